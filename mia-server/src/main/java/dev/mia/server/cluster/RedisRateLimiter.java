package dev.mia.server.cluster;

import dev.mia.core.conversation.RateLimit;
import dev.mia.core.conversation.UserRateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.redisson.command.CommandAsyncExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limit shared by every server: Bucket4j's token bucket, the same as {@link
 * UserRateLimiter#local}'s (a burst of {@link RateLimit#burst()}, refilled greedily at {@link
 * RateLimit#refill()} per {@link RateLimit#period()}), with its state in Redis under {@code
 * <prefix>rate:<userId>}. Bucket4j updates it by compare-and-swap, so two servers taking a token at
 * once both see the other's. A bucket expires once it would be full again, as the local one is
 * dropped when idle: a new bucket is full too. Refill time is read from each server's clock, so the
 * servers' clocks should agree (NTP).
 */
final class RedisRateLimiter implements UserRateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
  // Kept a little after refilling, for servers whose clocks differ by that much.
  private static final Duration KEEP_AFTER_REFILL = Duration.ofSeconds(1);

  private final AsyncProxyManager<String> buckets;
  private final Supplier<CompletableFuture<BucketConfiguration>> configuration;
  private final String keyPrefix;

  RedisRateLimiter(CommandAsyncExecutor redis, String keyPrefix, RateLimit limit) {
    this.keyPrefix = keyPrefix + "rate:";
    CompletableFuture<BucketConfiguration> shape =
        CompletableFuture.completedFuture(
            BucketConfiguration.builder()
                .addLimit(
                    Bandwidth.builder()
                        .capacity(limit.burst())
                        .refillGreedy(limit.refill(), limit.period())
                        .build())
                .build());
    this.configuration = () -> shape;
    this.buckets =
        Bucket4jRedisson.casBasedBuilder(redis)
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    KEEP_AFTER_REFILL))
            .build()
            .asAsync();
  }

  @Override
  public CompletionStage<OptionalLong> tryAcquire(String userId) {
    return bucket(userId)
        .tryConsumeAndReturnRemaining(1)
        .handle(
            (probe, failure) -> {
              if (failure != null) {
                log.warn("rate limit unavailable, message let through: {}", name(failure));
                return OptionalLong.empty();
              }
              if (probe.isConsumed()) {
                return OptionalLong.empty();
              }
              return OptionalLong.of(
                  Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000));
            });
  }

  @Override
  public void refund(String userId) {
    bucket(userId)
        .addTokens(1)
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                log.warn("rate limit token not given back: {}", name(failure));
              }
            });
  }

  private AsyncBucketProxy bucket(String userId) {
    return buckets.builder().build(keyPrefix + userId, configuration);
  }

  private static String name(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    return cause.getClass().getName();
  }
}
