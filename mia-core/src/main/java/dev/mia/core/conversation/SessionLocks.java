package dev.mia.core.conversation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Lets one process at a time run the turns of a session when several processes share one {@link
 * dev.mia.core.session.SessionStore}; within a process the engine already runs them one at a time.
 * {@link #lock} completes once this process holds the session's lock, which it keeps until {@link
 * Lock#unlock()} (or, should the process die, until the lock's lease runs out). Locks are granted
 * in about the order they were asked for. Thread-safe; the stage may complete on any thread.
 */
public interface SessionLocks {

  /** {@return a stage completing with the lock of {@code sessionId}, once this process holds it} */
  CompletionStage<Lock> lock(String sessionId);

  /** A held lock. */
  @FunctionalInterface
  interface Lock {
    /** Lets the next process in; a second call does nothing. */
    void unlock();
  }

  /** {@return the locks of a process that shares its store with nobody: granted at once} */
  static SessionLocks processLocal() {
    CompletionStage<Lock> granted = CompletableFuture.completedFuture(() -> {});
    return sessionId -> granted;
  }
}
