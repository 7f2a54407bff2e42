package dev.mia.server.follow;

import java.util.concurrent.ConcurrentHashMap;

/** A {@link ConnectionCap} counted in this process's memory. Thread-safe. */
final class LocalConnectionCap implements ConnectionCap {
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  private final int maxPerUser;

  LocalConnectionCap(int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  @Override
  public boolean tryOpen(String userId) {
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

  @Override
  public void close(String userId) {
    open.computeIfPresent(userId, (id, count) -> count <= 1 ? null : count - 1);
  }
}
