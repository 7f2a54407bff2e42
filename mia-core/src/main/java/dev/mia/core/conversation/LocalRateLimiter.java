package dev.mia.core.conversation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link UserRateLimiter} of one process: a token bucket per user, in memory; a bucket unused
 * for a while is dropped, being full again by then. Its stages are complete when returned.
 */
final class LocalRateLimiter implements UserRateLimiter {
  private static final CompletionStage<OptionalLong> ALLOWED =
      CompletableFuture.completedFuture(OptionalLong.empty());

  private final Cache<String, Bucket> buckets;
  private final Bandwidth bandwidth;

  LocalRateLimiter(RateLimit limit) {
    this.bandwidth =
        Bandwidth.builder()
            .capacity(limit.burst())
            .refillGreedy(limit.refill(), limit.period())
            .build();
    // A bucket idle for the time it takes to refill completely is indistinguishable from new.
    long refillNanos = limit.period().toNanos() / limit.refill() * limit.burst();
    this.buckets =
        Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofNanos(Math.max(refillNanos, 1_000_000_000L)))
            // Upkeep on the calling thread, a little at a time: handing it to the common pool
            // woke another thread for a few microseconds of work, many times a second.
            .executor(Runnable::run)
            .build();
  }

  @Override
  public CompletionStage<OptionalLong> tryAcquire(String userId) {
    Bucket bucket = buckets.get(userId, id -> newBucket());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return ALLOWED;
    }
    long millis = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
    return CompletableFuture.completedFuture(OptionalLong.of(millis));
  }

  @Override
  public void refund(String userId) {
    Bucket bucket = buckets.getIfPresent(userId);
    if (bucket != null) {
      bucket.addTokens(1);
    }
  }

  private Bucket newBucket() {
    return Bucket.builder().addLimit(bandwidth).build();
  }
}
