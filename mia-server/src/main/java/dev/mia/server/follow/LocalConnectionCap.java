package dev.mia.server.follow;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link ConnectionCap} of one process: a count per user, in memory. Its stages are complete
 * when returned.
 */
final class LocalConnectionCap implements ConnectionCap {
  private static final CompletionStage<Optional<Place>> REFUSED =
      CompletableFuture.completedFuture(Optional.empty());

  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  private final int maxPerUser;

  LocalConnectionCap(int maxPerUser) {
    if (maxPerUser < 1) {
      throw new IllegalArgumentException("maxPerUser must be at least 1, was " + maxPerUser);
    }
    this.maxPerUser = maxPerUser;
  }

  @Override
  public CompletionStage<Optional<Place>> tryOpen(String userId) {
    boolean[] admitted = new boolean[1];
    open.compute(
        userId,
        (id, count) -> {
          int current = count == null ? 0 : count;
          admitted[0] = current < maxPerUser;
          return admitted[0] ? current + 1 : count;
        });
    if (!admitted[0]) {
      return REFUSED;
    }
    AtomicBoolean closed = new AtomicBoolean();
    Place place =
        () -> {
          if (closed.compareAndSet(false, true)) {
            open.computeIfPresent(userId, (id, count) -> count <= 1 ? null : count - 1);
          }
        };
    return CompletableFuture.completedFuture(Optional.of(place));
  }
}
