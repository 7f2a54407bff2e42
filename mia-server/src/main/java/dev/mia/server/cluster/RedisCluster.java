package dev.mia.server.cluster;

import dev.mia.core.conversation.RateLimit;
import dev.mia.core.conversation.SessionLocks;
import dev.mia.core.conversation.UserRateLimiter;
import dev.mia.server.config.RedisAddress;
import dev.mia.server.follow.ConnectionCap;
import dev.mia.server.socketio.RoomEvents;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's membership of a cluster of servers sharing one Redis: one Redisson client, and the
 * parts built on it that the engine and the Socket.IO endpoint take (session locks, the rate
 * limiter, the connection cap, room events). Every key and channel starts with the configured
 * prefix. The parts live as long as this object; {@link #close()} gives back the connection places
 * still held and closes the client. Locks still held are not let go: they lapse with their lease,
 * as a dead server's do. Thread-safe.
 */
public final class RedisCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);

  private final RedissonClient redis;
  private final String keyPrefix;
  private final Duration lease;
  private final String nodeId = UUID.randomUUID().toString();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("mia-cluster", true));
  private final List<AutoCloseable> parts = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisCluster(RedissonClient redis, String keyPrefix, Duration lease) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.lease = lease;
  }

  /**
   * Connects to the Redis at {@code address}.
   *
   * @param keyPrefix what every key and channel starts with
   * @param lease how long a lock or a connection place outlives a server that stopped renewing it;
   *     renewed every third of it
   * @throws IllegalStateException if Redis cannot be reached
   */
  public static RedisCluster connect(RedisAddress address, String keyPrefix, Duration lease) {
    Objects.requireNonNull(address, "address == null");
    Objects.requireNonNull(keyPrefix, "keyPrefix == null");
    Objects.requireNonNull(lease, "lease == null");
    Config config = new Config();
    // Strings and bytes only, named per use: no default codec (Kryo) to load.
    config.setCodec(StringCodec.INSTANCE);
    config.setLockWatchdogTimeout(lease.toMillis());
    // Redisson's defaults (32 I/O threads, 16 for callbacks) are sized for a busy client of its
    // own; here Redis is a side channel of a server with one I/O thread per core.
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    config.setNettyThreads(Math.max(2, cores));
    config.setThreads(Math.max(2, cores));
    SingleServerConfig server =
        config
            .useSingleServer()
            .setAddress(address.url())
            .setDatabase(address.database())
            .setConnectionMinimumIdleSize(2)
            .setConnectionPoolSize(16)
            .setSubscriptionConnectionMinimumIdleSize(1)
            .setSubscriptionConnectionPoolSize(4)
            .setClientName("mia");
    address.username().ifPresent(server::setUsername);
    address.password().ifPresent(server::setPassword);
    RedissonClient redis;
    try {
      redis = Redisson.create(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot reach Redis at "
              + address.hostAndPort()
              + " (MIA_REDIS_URL): "
              + e.getClass().getSimpleName(),
          e);
    }
    RedisCluster cluster = new RedisCluster(redis, keyPrefix, lease);
    log.info(
        "in a cluster through Redis at {} (database {}, keys {}*) as node {}",
        address.hostAndPort(),
        address.database(),
        keyPrefix,
        cluster.nodeId);
    return cluster;
  }

  /** {@return this server's id in the cluster, random per process} */
  public String nodeId() {
    return nodeId;
  }

  /**
   * {@return whether Redis answers a {@code PING} within {@code timeout}} On one of the client's
   * pooled connections, as every other command goes; never fails, never blocks the caller.
   */
  public CompletionStage<Boolean> answersPing(Duration timeout) {
    if (closed.get()) {
      return CompletableFuture.completedFuture(false);
    }
    try {
      return redis
          .getRedisNodes(RedisNodes.SINGLE)
          .getInstance()
          .pingAsync(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .exceptionally(failure -> false);
    } catch (RuntimeException e) {
      // The client is shutting down.
      return CompletableFuture.completedFuture(false);
    }
  }

  /** {@return session locks every server shares, leased as {@link #connect} says} */
  public SessionLocks sessionLocks() {
    return new RedisSessionLocks(redis, keyPrefix);
  }

  /** {@return a rate limiter of {@code limit}'s shape whose buckets every server shares} */
  public UserRateLimiter rateLimiter(RateLimit limit) {
    return new RedisRateLimiter(((Redisson) redis).getCommandExecutor(), keyPrefix, limit);
  }

  /** {@return a cap of {@code maxPerUser} connections per user, counted on every server} */
  public ConnectionCap connectionCap(int maxPerUser) {
    RedisConnectionCap cap = new RedisConnectionCap(redis, keyPrefix, maxPerUser, lease, timer);
    parts.add(cap);
    return cap;
  }

  /** {@return the room events that travel between the servers} */
  public RoomEvents roomEvents() {
    RedisRoomEvents events = new RedisRoomEvents(redis, keyPrefix, nodeId);
    parts.add(events);
    return events;
  }

  /** {@return the Redisson client, for tests that cut a server off} */
  RedissonClient redisson() {
    return redis;
  }

  /**
   * Gives back the connection places still held and closes the client; a second call does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (AutoCloseable part : parts) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", part.getClass().getSimpleName(), e.getClass().getName());
      }
    }
    timer.shutdownNow();
    redis.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
