package dev.mia.core.conversation;

import java.time.Duration;
import java.util.Objects;

/**
 * How many messages one user may send: a burst of {@code burst} at once, refilled at {@code refill}
 * messages per {@code period}.
 *
 * @param burst the most messages accepted back to back
 * @param refill messages added back per period
 * @param period the refill period
 */
public record RateLimit(int burst, int refill, Duration period) {
  /** The default: 10 at once, then 30 a minute. */
  public static final RateLimit DEFAULT = new RateLimit(10, 30, Duration.ofMinutes(1));

  /** Checks every number is positive. */
  public RateLimit {
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    if (refill < 1) {
      throw new IllegalArgumentException("refill must be at least 1, was " + refill);
    }
    Objects.requireNonNull(period, "period == null");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, was " + period);
    }
  }
}
