package dev.mia.server.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.testing.FakeOpenAi;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A message's turn and its model stream stay on the I/O thread that received the message. */
class EventLoopThreadsTest {
  private static final ModelRequest REQUEST =
      new ModelRequest("system", List.of(), "hello", Mode.GREETING, SafetyTier.NORMAL);

  private final NioEventLoopGroup loops = new NioEventLoopGroup(2);
  private final ExecutorService elsewhere = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    elsewhere.shutdownNow();
  }

  private static NettyChatModel modelFor(FakeOpenAi fake) {
    return new NettyChatModel(
        fake.baseUrl(), "sk-test", "gpt-4o-mini", 0.7, 0, Duration.ofSeconds(5), 1);
  }

  private static Thread threadOf(java.util.concurrent.Executor executor) throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    executor.execute(() -> thread.complete(Thread.currentThread()));
    return thread.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aTurnHandedOverOnAnEventLoopRunsOnThatLoop() throws Exception {
    EventLoop loop = loops.next();
    EventLoopTurns turns = new EventLoopTurns(elsewhere);
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();

    loop.execute(() -> turns.execute(() -> ranOn.complete(Thread.currentThread())));

    assertEquals(threadOf(loop), ranOn.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aTurnHandedOverElsewhereRunsOnTheFallback() throws Exception {
    EventLoopTurns turns = new EventLoopTurns(elsewhere);
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();

    turns.execute(() -> ranOn.complete(Thread.currentThread()));

    assertEquals(threadOf(elsewhere), ranOn.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aStreamStartedOnAnEventLoopReportsEveryPieceOnThatLoop() throws Exception {
    try (FakeOpenAi fake = FakeOpenAi.start()) {
      NettyChatModel model = modelFor(fake);
      try {
        EventLoop loop = loops.next();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        StringBuilder text = new StringBuilder();
        CompletableFuture<Void> done = new CompletableFuture<>();
        ModelListener listener =
            new ModelListener() {
              @Override
              public void onDelta(String piece) {
                threads.add(Thread.currentThread());
                text.append(piece);
              }

              @Override
              public void onComplete() {
                threads.add(Thread.currentThread());
                done.complete(null);
              }

              @Override
              public void onFailure(ModelFailure failure) {
                done.completeExceptionally(new AssertionError(failure.toString()));
              }
            };
        loop.execute(() -> model.stream(REQUEST, listener));
        done.get(10, TimeUnit.SECONDS);

        assertEquals(fake.replyText(), text.toString());
        assertEquals(Set.of(threadOf(loop)), threads);
      } finally {
        model.close();
      }
    }
  }

  @Test
  void aStreamStartedElsewhereStillCompletes() throws Exception {
    try (FakeOpenAi fake = FakeOpenAi.start()) {
      NettyChatModel model = modelFor(fake);
      try {
        CompletableFuture<Boolean> completed = new CompletableFuture<>();
        model.stream(
            REQUEST,
            new ModelListener() {
              @Override
              public void onDelta(String piece) {}

              @Override
              public void onComplete() {
                completed.complete(true);
              }

              @Override
              public void onFailure(ModelFailure failure) {
                completed.complete(false);
              }
            });

        assertTrue(completed.get(10, TimeUnit.SECONDS));
      } finally {
        model.close();
      }
    }
  }
}
