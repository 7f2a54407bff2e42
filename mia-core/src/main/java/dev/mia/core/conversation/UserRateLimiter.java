package dev.mia.core.conversation;

import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a user may send another message now: a token bucket per user of {@link
 * RateLimit}'s shape (a burst, then a steady refill). {@link #tryAcquire} takes a token if there is
 * one; its stage completes with empty if the message may go, else with the milliseconds until a
 * token is back. The stage never fails: a limiter that cannot decide lets the message go. {@link
 * #refund} gives back a token for a message refused after all. Thread-safe. The default, {@link
 * #local}, keeps buckets in this process; a shared one keeps them where every process sees them.
 */
public interface UserRateLimiter {

  /** {@return a stage with empty if {@code userId} may send now, else the wait in milliseconds} */
  CompletionStage<OptionalLong> tryAcquire(String userId);

  /** Gives back the token {@link #tryAcquire} took for a message that was then refused. */
  void refund(String userId);

  /** {@return buckets of {@code limit}'s shape in this process's memory} */
  static UserRateLimiter local(RateLimit limit) {
    return new LocalRateLimiter(limit);
  }
}
