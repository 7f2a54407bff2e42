package dev.mia.server.follow;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Counts each user's open connections and refuses one past the cap. {@link #local} counts this
 * process's connections; a cap shared by a cluster of servers counts every server's (see {@code
 * dev.mia.server.cluster}). Thread-safe; the stage may complete on any thread.
 */
public interface ConnectionCap extends AutoCloseable {

  /**
   * {@return a stage completing with the place of one more connection of {@code userId}, or empty
   * when the user is at the cap} The stage never fails: a cap that cannot decide (its store is
   * unreachable) admits the connection.
   */
  CompletionStage<Optional<Place>> tryOpen(String userId);

  /** One connection's place under its user's cap. */
  @FunctionalInterface
  interface Place {
    /** Gives the place back; a second call does nothing. */
    void close();
  }

  /** Gives back what this cap holds; by default nothing. */
  @Override
  default void close() {}

  /** {@return a cap of {@code maxPerUser} connections per user, counted in this process} */
  static ConnectionCap local(int maxPerUser) {
    return new LocalConnectionCap(maxPerUser);
  }
}
