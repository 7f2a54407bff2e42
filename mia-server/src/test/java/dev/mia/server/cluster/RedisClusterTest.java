package dev.mia.server.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.conversation.RateLimit;
import dev.mia.core.conversation.SessionLocks;
import dev.mia.core.conversation.UserRateLimiter;
import dev.mia.server.config.RedisAddress;
import dev.mia.server.follow.ConnectionCap;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestRedis;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared parts of two servers of one cluster, on the test Redis, without sockets: {@code a} and
 * {@code b} are the two servers' clients. A server "dies" by having its Redis client shut down
 * without letting go of anything: it stops renewing what it holds.
 */
class RedisClusterTest {
  private static final Duration LEASE = Duration.ofMillis(500);

  private RedisCluster a;
  private RedisCluster b;

  @BeforeEach
  void connect() {
    RedisAddress redis = TestRedis.address();
    String prefix = TestRedis.newKeyPrefix();
    a = RedisCluster.connect(redis, prefix, LEASE);
    b = RedisCluster.connect(redis, prefix, LEASE);
  }

  @AfterEach
  void close() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  /**
   * Kills server {@code a}: its client stops, its locks and places are neither renewed nor freed.
   */
  private void killA() {
    a.redisson().shutdown();
  }

  private static <T> T await(CompletableFuture<T> stage) throws Exception {
    return stage.get(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aSessionLockIsHeldByOneServerAtATime() throws Exception {
    SessionLocks.Lock onA = await(a.sessionLocks().lock("s1").toCompletableFuture());
    CompletableFuture<SessionLocks.Lock> onB = b.sessionLocks().lock("s1").toCompletableFuture();
    // B is still waiting once A's client has answered a command sent after B asked.
    await(a.redisson().getBucket("unrelated").isExistsAsync().toCompletableFuture());
    assertFalse(onB.isDone(), "B waits while A holds the lock");

    onA.unlock();

    await(onB).unlock();
  }

  @Test
  void theLocksOfDifferentSessionsAreIndependent() throws Exception {
    SessionLocks.Lock first = await(a.sessionLocks().lock("s1").toCompletableFuture());
    SessionLocks.Lock second = await(b.sessionLocks().lock("s2").toCompletableFuture());
    first.unlock();
    second.unlock();
  }

  @Test
  void aLockOfAServerThatStopsRenewingGoesToAnotherAfterItsLease() throws Exception {
    await(a.sessionLocks().lock("s1").toCompletableFuture());
    CompletableFuture<SessionLocks.Lock> onB = b.sessionLocks().lock("s1").toCompletableFuture();

    killA();

    // Granted once A's lease has run out; the wait is bounded by the test's patience only.
    await(onB).unlock();
  }

  @Test
  void theConnectionPlacesOfAServerThatStopsRenewingAreFreedAfterTheirLease() throws Exception {
    ConnectionCap capOnA = a.connectionCap(1);
    ConnectionCap capOnB = b.connectionCap(1);
    assertTrue(await(capOnA.tryOpen("u").toCompletableFuture()).isPresent());
    assertTrue(await(capOnB.tryOpen("u").toCompletableFuture()).isEmpty(), "A holds the place");

    killA();

    long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
    Optional<ConnectionCap.Place> place = Optional.empty();
    while (place.isEmpty() && System.nanoTime() < deadline) {
      place = await(capOnB.tryOpen("u").toCompletableFuture());
      if (place.isEmpty()) {
        Thread.sleep(LEASE.toMillis() / 5); // polling for the lease's end, not waiting out a race
      }
    }
    assertTrue(place.isPresent(), "B got the place A no longer renewed");
  }

  @Test
  void aPlaceGivenBackOnOneServerCanBeTakenOnTheOther() throws Exception {
    ConnectionCap capOnA = a.connectionCap(1);
    ConnectionCap capOnB = b.connectionCap(1);
    ConnectionCap.Place onA = await(capOnA.tryOpen("u").toCompletableFuture()).orElseThrow();

    onA.close();

    // The release is asynchronous: B may have to ask again until it has reached Redis.
    long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
    boolean taken = false;
    while (!taken && System.nanoTime() < deadline) {
      taken = await(capOnB.tryOpen("u").toCompletableFuture()).isPresent();
    }
    assertTrue(taken);
  }

  @Test
  void theRateLimitIsOneBucketForBothServers() throws Exception {
    RateLimit limit = new RateLimit(3, 1, Duration.ofHours(1));
    UserRateLimiter onA = a.rateLimiter(limit);
    UserRateLimiter onB = b.rateLimiter(limit);

    assertTrue(await(onA.tryAcquire("u").toCompletableFuture()).isEmpty());
    assertTrue(await(onB.tryAcquire("u").toCompletableFuture()).isEmpty());
    assertTrue(await(onA.tryAcquire("u").toCompletableFuture()).isEmpty());
    OptionalLong wait = await(onB.tryAcquire("u").toCompletableFuture());

    assertTrue(wait.isPresent(), "the burst of three was spent on A and B together");
    assertTrue(wait.getAsLong() > 0);
    assertTrue(await(onA.tryAcquire("other").toCompletableFuture()).isEmpty(), "per user");
  }
}
