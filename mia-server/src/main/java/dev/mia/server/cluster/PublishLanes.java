package dev.mia.server.cluster;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Sends each session's messages one after another, in the order they were given, and different
 * sessions' side by side. A message goes out only once the one before it of its session has
 * completed: a Redis client spreads commands over a pool of connections, so two publications sent
 * together may reach Redis in either order, and Redis then delivers them in that order to every
 * subscriber. A session with nothing in flight holds no entry. Thread-safe.
 *
 * @param <M> the message type
 */
final class PublishLanes<M> {
  private record Entry<M>(M message, CompletableFuture<Void> done) {}

  private final Function<M, CompletionStage<?>> send;
  private final BiConsumer<String, Throwable> onFailure;
  // A lane holds the session's waiting messages; its presence means one is in flight.
  private final ConcurrentHashMap<String, ArrayDeque<Entry<M>>> lanes = new ConcurrentHashMap<>();

  /**
   * Lanes sending with {@code send}, reporting a message that could not be sent (with its session
   * id) to {@code onFailure}; the next message goes out all the same.
   */
  PublishLanes(Function<M, CompletionStage<?>> send, BiConsumer<String, Throwable> onFailure) {
    this.send = send;
    this.onFailure = onFailure;
  }

  /**
   * Sends {@code message} after the session's earlier ones. {@return a stage completing once it is
   * sent, or has failed; it never fails}
   */
  CompletionStage<Void> publish(String sessionId, M message) {
    Entry<M> entry = new Entry<>(message, new CompletableFuture<>());
    boolean[] first = new boolean[1];
    lanes.compute(
        sessionId,
        (id, lane) -> {
          if (lane == null) {
            first[0] = true;
            return new ArrayDeque<>(2);
          }
          lane.addLast(entry);
          return lane;
        });
    if (first[0]) {
      run(sessionId, entry);
    }
    return entry.done();
  }

  /** {@return how many sessions have a message in flight} */
  int busySessions() {
    return lanes.size();
  }

  /**
   * Sends {@code entry} and then whatever the session has waiting; a send that completes at once is
   * followed in this loop rather than from its callback, so a long lane does not nest calls.
   */
  private void run(String sessionId, Entry<M> entry) {
    Entry<M> current = entry;
    while (current != null) {
      CompletableFuture<?> sent;
      try {
        sent = send.apply(current.message()).toCompletableFuture();
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      if (!sent.isDone()) {
        Entry<M> inFlight = current;
        sent.whenComplete(
            (result, failure) -> {
              finish(sessionId, inFlight, failure);
              Entry<M> next = next(sessionId);
              if (next != null) {
                run(sessionId, next);
              }
            });
        return;
      }
      finish(sessionId, current, sent.isCompletedExceptionally() ? failure(sent) : null);
      current = next(sessionId);
    }
  }

  private void finish(String sessionId, Entry<M> entry, Throwable failure) {
    if (failure != null) {
      try {
        onFailure.accept(sessionId, failure);
      } catch (RuntimeException e) {
        // Reporting must not stop the lane.
      }
    }
    entry.done().complete(null);
  }

  /** {@return the session's next waiting message, or null after removing its empty lane} */
  private Entry<M> next(String sessionId) {
    Object[] next = new Object[1];
    lanes.computeIfPresent(
        sessionId,
        (id, lane) -> {
          next[0] = lane.pollFirst();
          return next[0] == null ? null : lane;
        });
    @SuppressWarnings("unchecked")
    Entry<M> entry = (Entry<M>) next[0];
    return entry;
  }

  private static Throwable failure(CompletableFuture<?> failed) {
    try {
      failed.join();
      return null;
    } catch (RuntimeException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }
}
