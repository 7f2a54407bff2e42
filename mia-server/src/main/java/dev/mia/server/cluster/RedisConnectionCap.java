package dev.mia.server.cluster;

import dev.mia.server.follow.ConnectionCap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection cap shared by every server: per user, a Redisson semaphore of expirable permits,
 * {@code <prefix>connections:<userId>}, with as many permits as the cap. A connection holds one
 * permit, leased for the cluster lease and renewed by its server every third of it, so the places
 * of a server that dies come free when their leases run out. A user's semaphore expires twice the
 * lease after its last renewal, so users who have gone leave nothing behind (every anonymous
 * connection is a user of its own).
 *
 * <p>The number of permits is set on every admission ({@code setPermits}, which counts the permits
 * held), so a changed cap applies at once; permit expiry is decided with the servers' clocks, which
 * should agree (NTP).
 */
final class RedisConnectionCap implements ConnectionCap {
  private static final Logger log = LoggerFactory.getLogger(RedisConnectionCap.class);
  private static final CompletionStage<Optional<Place>> UNCHECKED =
      CompletableFuture.completedFuture(Optional.of(() -> {}));

  private final RedissonClient redis;
  private final String keyPrefix;
  private final int maxPerUser;
  private final long leaseMillis;
  private final Duration keyLifetime;
  private final Set<Held> held = ConcurrentHashMap.newKeySet();
  // Places given back whose release has not reached Redis yet: close() waits for them.
  private final Set<CompletableFuture<?>> releasing = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> renewal;

  RedisConnectionCap(
      RedissonClient redis,
      String keyPrefix,
      int maxPerUser,
      Duration lease,
      ScheduledExecutorService timer) {
    if (maxPerUser < 1) {
      throw new IllegalArgumentException("maxPerUser must be at least 1, was " + maxPerUser);
    }
    this.redis = redis;
    this.keyPrefix = keyPrefix + "connections:";
    this.maxPerUser = maxPerUser;
    this.leaseMillis = lease.toMillis();
    this.keyLifetime = lease.multipliedBy(2);
    long every = Math.max(1, leaseMillis / 3);
    this.renewal = timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletionStage<Optional<Place>> tryOpen(String userId) {
    RPermitExpirableSemaphore places = redis.getPermitExpirableSemaphore(keyPrefix + userId);
    return places
        .setPermitsAsync(maxPerUser)
        .thenCompose(set -> places.tryAcquireAsync(0, leaseMillis, TimeUnit.MILLISECONDS))
        .thenApply(
            permit -> {
              if (permit == null) {
                return Optional.<Place>empty();
              }
              places.expireAsync(keyLifetime);
              Held place = new Held(places, permit);
              held.add(place);
              return Optional.<Place>of(place);
            })
        .exceptionallyCompose(
            failure -> {
              log.warn("connection cap unavailable, connection admitted: {}", name(failure));
              return UNCHECKED;
            });
  }

  /** Renews the lease of every place held here, and the lifetime of their users' semaphores. */
  private void renew() {
    Set<String> users = new HashSet<>();
    for (Held place : held) {
      place.renew();
      if (users.add(place.places.getName())) {
        place.places.expireAsync(keyLifetime);
      }
    }
  }

  /** Gives back every place still held here, waiting for Redis a little. */
  @Override
  public void close() {
    renewal.cancel(false);
    for (Held place : held) {
      place.release();
    }
    List<CompletableFuture<?>> released = new ArrayList<>(releasing);
    try {
      CompletableFuture.allOf(released.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      log.warn("{} connection places left to expire in Redis", released.size());
    }
  }

  private static String name(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    return cause.getClass().getName();
  }

  /** One connection's permit. */
  private final class Held implements Place {
    final RPermitExpirableSemaphore places;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Replaced when a lost lease is taken again; written by the renewal, read by release.
    private volatile String permit;

    Held(RPermitExpirableSemaphore places, String permit) {
      this.places = places;
      this.permit = permit;
    }

    @Override
    public void close() {
      release();
    }

    CompletableFuture<?> release() {
      if (!closed.compareAndSet(false, true)) {
        return CompletableFuture.completedFuture(null);
      }
      held.remove(this);
      CompletableFuture<Boolean> sent;
      try {
        sent = places.tryReleaseAsync(permit).toCompletableFuture();
      } catch (RuntimeException e) { // the client is shut down: the lease will run out
        sent = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<Boolean> released =
          sent.exceptionally(
              failure -> {
                log.debug("a connection place was left to expire: {}", name(failure));
                return false;
              });
      releasing.add(released);
      released.whenComplete((done, failure) -> releasing.remove(released));
      return released;
    }

    void renew() {
      String current = permit;
      places
          .updateLeaseTimeAsync(current, leaseMillis, TimeUnit.MILLISECONDS)
          .thenCompose(
              renewed ->
                  renewed
                      ? CompletableFuture.completedFuture(current)
                      // The lease ran out (this server was cut off longer than it): take a place
                      // again if there is one; the connection stays either way.
                      : places.tryAcquireAsync(0, leaseMillis, TimeUnit.MILLISECONDS))
          .whenComplete(
              (now, failure) -> {
                if (failure != null) {
                  log.debug("a connection place was not renewed: {}", name(failure));
                } else if (now != null && !now.equals(current)) {
                  permit = now;
                  if (closed.get()) {
                    places.tryReleaseAsync(now);
                  }
                }
              });
    }
  }
}
