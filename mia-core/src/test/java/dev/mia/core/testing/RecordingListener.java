package dev.mia.core.testing;

import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.ReplyListener;
import dev.mia.core.conversation.SafetyAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * A {@link ReplyListener} that writes down every call, in order, with the thread that made it, and
 * lets a test wait for the end of the reply. Events read {@code alert:<tier>}, {@code
 * chunk:<text>}, {@code complete:<text>} and {@code error:<CODE>}. A listener may also copy its
 * events, prefixed by its name, into a log shared with other listeners, to check the order across
 * replies. Thread-safe.
 */
public final class RecordingListener implements ReplyListener {
  private final String name;
  private final Queue<String> sharedLog;
  private final Object lock = new Object();
  // Guarded by lock.
  private final List<String> events = new ArrayList<>();
  private final List<SafetyAlert> alerts = new ArrayList<>();
  private final List<String> chunks = new ArrayList<>();
  private final List<Thread> callers = new ArrayList<>();
  private String completion;
  private ConversationError error;
  private final CountDownLatch ended = new CountDownLatch(1);

  /** A listener that keeps its events to itself. */
  public RecordingListener() {
    this("", new ConcurrentLinkedQueue<>());
  }

  /** A listener that also appends {@code name + ":" + event} to {@code sharedLog}. */
  public RecordingListener(String name, Queue<String> sharedLog) {
    this.name = name;
    this.sharedLog = sharedLog;
  }

  @Override
  public void onSafetyAlert(SafetyAlert alert) {
    record("alert:" + alert.tier().level(), () -> alerts.add(alert));
  }

  @Override
  public void onChunk(String chunk) {
    record("chunk:" + chunk, () -> chunks.add(chunk));
  }

  @Override
  public void onComplete(String fullReply) {
    record("complete:" + fullReply, () -> completion = fullReply);
    ended.countDown();
  }

  @Override
  public void onError(ConversationError error) {
    record("error:" + error.code(), () -> this.error = error);
    ended.countDown();
  }

  private void record(String event, Runnable keep) {
    synchronized (lock) {
      events.add(event);
      callers.add(Thread.currentThread());
      keep.run();
      lock.notifyAll();
    }
    sharedLog.add(name + ":" + event);
  }

  /** Waits for {@link #onComplete} or {@link #onError}; fails if neither comes. */
  public RecordingListener awaitEnd() {
    Await.latch(ended, "the end of the reply");
    return this;
  }

  /** Waits until {@code count} chunks arrived; fails if they do not. */
  public RecordingListener awaitChunks(int count) {
    return awaitUntil(l -> l.chunks().size() >= count, count + " chunks");
  }

  private RecordingListener awaitUntil(Predicate<RecordingListener> condition, String what) {
    long deadline = System.nanoTime() + Await.LIMIT.toNanos();
    synchronized (lock) {
      while (!condition.test(this)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("gave up waiting for " + what + "; events: " + events);
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for " + what, e);
        }
      }
    }
    return this;
  }

  /** {@return whether the reply ended, by completion or error} */
  public boolean hasEnded() {
    return ended.getCount() == 0;
  }

  /** {@return every call so far, in order} */
  public List<String> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** {@return the alerts so far} */
  public List<SafetyAlert> alerts() {
    synchronized (lock) {
      return List.copyOf(alerts);
    }
  }

  /** {@return the chunks so far, in order} */
  public List<String> chunks() {
    synchronized (lock) {
      return List.copyOf(chunks);
    }
  }

  /** {@return the full reply, if the reply completed} */
  public Optional<String> completion() {
    synchronized (lock) {
      return Optional.ofNullable(completion);
    }
  }

  /** {@return the error, if the reply failed} */
  public Optional<ConversationError> error() {
    synchronized (lock) {
      return Optional.ofNullable(error);
    }
  }

  /** {@return the threads that made each call, in order} */
  public List<Thread> callers() {
    synchronized (lock) {
      return List.copyOf(callers);
    }
  }
}
