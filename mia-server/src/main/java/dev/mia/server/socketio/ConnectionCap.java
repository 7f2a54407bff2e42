package dev.mia.server.socketio;

import java.util.concurrent.ConcurrentHashMap;

/** Counts each user's open connections and refuses one past the cap. Thread-safe. */
final class ConnectionCap {
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  private final int maxPerUser;

  ConnectionCap(int maxPerUser) {
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
}
