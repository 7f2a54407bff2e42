package dev.mia.server.cluster;

import dev.mia.core.conversation.SessionLocks;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session locks in Redis: a Redisson lock per session, {@code <prefix>lock:<sessionId>}, taken
 * without a lease time, so that Redisson's watchdog keeps renewing it while this server holds it
 * (every third of the cluster lease) and a server that dies loses it when the lease runs out.
 *
 * <p>A Redisson lock belongs to a thread; a turn takes its lock on one thread and lets go on
 * another, so each acquisition names its own owner: a negative number (never a thread id) unique in
 * this client, which Redisson combines with the client's id.
 *
 * <p>The lock is not a fair one: when it is let go, the servers waiting for it race, and the
 * holder's next turn may win again. That is enough for the engine's contract ("about the order they
 * were asked for"): every server waits with at most one turn per session, and whichever turn runs
 * answers the session's oldest owed message, so replies come in the order the messages were
 * accepted whoever holds the lock. Redisson's fair lock would add a queue of waiters in Redis with
 * timeouts of its own, for no better order of replies.
 */
final class RedisSessionLocks implements SessionLocks {
  private static final Logger log = LoggerFactory.getLogger(RedisSessionLocks.class);

  private final RedissonClient redis;
  private final String keyPrefix;
  private final AtomicLong owners = new AtomicLong();

  RedisSessionLocks(RedissonClient redis, String keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
  }

  @Override
  public CompletionStage<Lock> lock(String sessionId) {
    RLock lock = redis.getLock(keyPrefix + "lock:" + sessionId);
    long owner = owners.decrementAndGet();
    return lock.lockAsync(owner).thenApply(locked -> new Held(sessionId, lock, owner));
  }

  private static final class Held implements Lock {
    private final String sessionId;
    private final RLock lock;
    private final long owner;
    private final AtomicBoolean unlocked = new AtomicBoolean();

    Held(String sessionId, RLock lock, long owner) {
      this.sessionId = sessionId;
      this.lock = lock;
      this.owner = owner;
    }

    @Override
    public void unlock() {
      if (!unlocked.compareAndSet(false, true)) {
        return;
      }
      lock.unlockAsync(owner)
          .whenComplete(
              (done, failure) -> {
                if (failure != null) {
                  // Its lease ran out (this server was cut off from Redis for longer than it),
                  // so another server may have run a turn of the session meanwhile.
                  log.warn(
                      "session {}: the session lock was lost before the turn ended: {}",
                      sessionId,
                      failure.getClass().getName());
                }
              });
    }
  }
}
