package dev.mia.core.testing;

import dev.mia.core.model.ChatModel;
import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.model.ReplyStream;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link ChatModel} for tests. Every request opens a {@link Stream}, which is recorded
 * and handed to the model's {@link Script}; a script may answer at once ({@link #replying}, {@link
 * #failing}), never ({@link #silent}), or leave the stream to the test, which takes it with {@link
 * #nextStream()} and drives it ({@link #manual}). The listener is always called on the model's own
 * delivery thread, in the order the stream's methods were called, never after a terminal call or
 * after the stream was cancelled. {@link #close()} it after the test.
 */
public final class ScriptedChatModel implements ChatModel {

  /** What the model does with each new stream; called on the engine's thread, must not block. */
  @FunctionalInterface
  public interface Script {
    void play(Stream stream);
  }

  private final Script script;
  private final List<ModelRequest> requests = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Stream> untaken = new LinkedBlockingQueue<>();
  private final ExecutorService delivery =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "scripted-model");
            thread.setDaemon(true);
            return thread;
          });

  /** A model that runs {@code script} on every new stream. */
  public ScriptedChatModel(Script script) {
    this.script = Objects.requireNonNull(script, "script == null");
  }

  /** {@return a model that answers every request with these pieces, then completes} */
  public static ScriptedChatModel replying(String... pieces) {
    List<String> reply = List.of(pieces);
    return new ScriptedChatModel(stream -> stream.reply(reply));
  }

  /** {@return a model that fails every request with {@code kind} before any piece} */
  public static ScriptedChatModel failing(ModelFailure.Kind kind) {
    return new ScriptedChatModel(stream -> stream.fail(kind));
  }

  /** {@return a model that accepts every request and never says anything} */
  public static ScriptedChatModel silent() {
    return new ScriptedChatModel(stream -> {});
  }

  /** {@return a model whose streams the test drives, taking them with {@link #nextStream()}} */
  public static ScriptedChatModel manual() {
    return silent();
  }

  @Override
  public ReplyStream stream(ModelRequest request, ModelListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    Stream stream = new Stream(request, listener);
    requests.add(request);
    // The script runs before the test can take the stream, so what it does comes first.
    script.play(stream);
    untaken.add(stream);
    return stream::cancel;
  }

  /** {@return every request received, oldest first} */
  public List<ModelRequest> requests() {
    return List.copyOf(requests);
  }

  /** {@return the oldest stream not taken yet, waiting for one to open; fails if none does} */
  public Stream nextStream() {
    try {
      Stream stream = untaken.poll(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      if (stream == null) {
        throw new AssertionError("gave up after " + Await.LIMIT + " waiting for a model request");
      }
      return stream;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for a model request", e);
    }
  }

  /** Waits until every call posted so far to any stream was delivered (or dropped). */
  public void drain() {
    Await.future(delivery.submit(() -> {}), "the model's deliveries");
  }

  @Override
  public void close() {
    delivery.shutdownNow();
  }

  /** One reply being streamed to the engine. Its methods may be called from any thread. */
  public final class Stream {
    private final ModelRequest request;
    private final ModelListener listener;
    private final CountDownLatch cancelled = new CountDownLatch(1);
    // Only touched on the delivery thread.
    private boolean finished;

    private Stream(ModelRequest request, ModelListener listener) {
      this.request = request;
      this.listener = listener;
    }

    /** {@return what the engine asked} */
    public ModelRequest request() {
      return request;
    }

    /** Sends one piece of the reply. */
    public Stream delta(String text) {
      deliver(false, () -> listener.onDelta(text));
      return this;
    }

    /** Ends the reply normally. */
    public void complete() {
      deliver(true, listener::onComplete);
    }

    /** Sends these pieces, then ends the reply normally. */
    public void reply(List<String> pieces) {
      pieces.forEach(this::delta);
      complete();
    }

    /** Ends the reply with a failure of {@code kind}. */
    public void fail(ModelFailure.Kind kind) {
      deliver(true, () -> listener.onFailure(new ModelFailure(kind, "scripted " + kind)));
    }

    /** {@return whether the engine cancelled this stream} */
    public boolean isCancelled() {
      return cancelled.getCount() == 0;
    }

    /** Waits until the engine cancels this stream; fails if it does not. */
    public void awaitCancelled() {
      Await.latch(cancelled, "the stream to be cancelled");
    }

    private void cancel() {
      cancelled.countDown();
    }

    private void deliver(boolean terminal, Runnable call) {
      try {
        delivery.execute(
            () -> {
              if (finished || isCancelled()) {
                return;
              }
              finished = terminal;
              call.run();
            });
      } catch (RejectedExecutionException e) {
        // The model was closed: like a real one, it says nothing more.
      }
    }
  }
}
