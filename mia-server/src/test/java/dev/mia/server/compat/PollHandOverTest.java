package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.corundumstudio.socketio.handler.ClientHead;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PollHandOver}: the unbinding of a session's closed long-poll waits while the same
 * session's next long-poll is being bound on another thread, so it can never undo that binding
 * half-way. Each test binds the session's first poll, starts binding its next poll, closes the
 * first poll's connection on another thread while that binding is under way, and reads the order in
 * which the library's place in the pipeline saw the three.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PollHandOverTest {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final PollHandOver handOver = new PollHandOver();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @Test
  void aClosedPollIsUnboundOnlyAfterTheSameSessionsNextPollIsBound() throws Exception {
    try (LibrarySession session = new LibrarySession()) {
      EmbeddedChannel previous = new EmbeddedChannel(handOver, new Library("previous"));
      previous.writeInbound(Http.get(session.sid()));

      closeDuringNextPoll(previous, session.sid());

      assertEquals(List.of("bound previous", "bound next", "unbound previous"), seen);
    }
  }

  @Test
  void theHandshakesOwnPollIsUnboundOnlyAfterTheNextPollIsBound() throws Exception {
    try (LibrarySession session = new LibrarySession()) {
      EmbeddedChannel handshake = new EmbeddedChannel(handOver, new Library("previous"));
      // as the library's authorize handler leaves the handshake's connection, before it binds
      handshake.attr(ClientHead.CLIENT).set(session.client);
      handshake.writeInbound(
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.GET, Http.POLLING, Unpooled.buffer(0)));

      closeDuringNextPoll(handshake, session.sid());

      assertEquals(List.of("bound previous", "bound next", "unbound previous"), seen);
    }
  }

  /**
   * Closes {@code previous} on its own thread once the next poll of {@code sid} has reached the
   * library, and lets that binding finish only when the close has either passed the library
   * ("unbound previous" seen: the two overlapped) or is held waiting on a lock this thread holds.
   */
  private void closeDuringNextPoll(EmbeddedChannel previous, String sid) throws Exception {
    CountDownLatch binding = new CountDownLatch(1);
    AtomicReference<Throwable> closeFailure = new AtomicReference<>();
    Thread closer =
        new Thread(
            () -> {
              try {
                binding.await();
                previous.close();
              } catch (Throwable t) {
                closeFailure.set(t);
              }
            },
            "closer");
    Library library =
        new Library("next") {
          @Override
          void duringBinding() {
            binding.countDown();
            while (closer.isAlive() && !seen.contains("unbound previous") && !waitsForMe(closer)) {
              Thread.onSpinWait();
            }
          }
        };
    EmbeddedChannel next = new EmbeddedChannel(handOver, library);
    closer.start();

    next.writeInbound(Http.get(sid));
    closer.join();

    assertNull(closeFailure.get(), "the close ran");
  }

  private static boolean waitsForMe(Thread other) {
    ThreadInfo info = THREADS.getThreadInfo(other.getId());
    return info != null
        && info.getThreadState() == Thread.State.BLOCKED
        && info.getLockOwnerId() == Thread.currentThread().getId();
  }

  /** Where the library's polling transport sits: records each binding and each unbinding. */
  private class Library extends ChannelInboundHandlerAdapter {
    private final String poll;

    Library(String poll) {
      this.poll = poll;
    }

    void duringBinding() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      duringBinding();
      seen.add("bound " + poll);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      seen.add("unbound " + poll);
    }
  }
}
