package dev.mia.server;

import java.util.concurrent.ConcurrentHashMap;

/** Counts open connections per user, to cap them. Thread-safe. */
final class ConnectionRegistry {
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  private final int maxPerUser;

  ConnectionRegistry(int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  /** {@return true and counts the connection if the user is under the cap, else false} */
  boolean tryOpen(String userId) {
    boolean[] admitted = new boolean[1];
    open.compute(
        userId,
        (id, count) -> {
          int current = count == null ? 0 : count;
          admitted[0] = current < maxPerUser;
          return admitted[0] ? current + 1 : count;
        });
    return admitted[0];
  }

  /** Forgets one counted connection of the user. */
  void close(String userId) {
    open.computeIfPresent(userId, (id, count) -> count <= 1 ? null : count - 1);
  }

  /** {@return open connections of the user} */
  int openConnections(String userId) {
    return open.getOrDefault(userId, 0);
  }
}
