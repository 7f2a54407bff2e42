package dev.mia.safetymodel;

import java.util.OptionalLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The share of one core's time the model may take while the process is busy, kept as a balance of
 * model time: the balance fills at {@code share} nanoseconds per nanosecond of wall time, up to a
 * small allowance; a message given to the model reserves what a message has recently taken, and
 * what it really took settles the reservation (a message shed before it ran gives its reservation
 * back). While the balance is below zero no message is reserved for, so under load the model's
 * long-run time stays at the share however many messages arrive. While the process is not busy (its
 * recent load under {@code busyAt}) and the model has no message, the next one is taken free of
 * charge: a quiet server's model judges every message, yet a burst that arrives before the load
 * figure catches up (it lags by up to a window) is not all taken free. Thread-safe.
 *
 * <p>Why: the model's inference cannot be interrupted, and on a busy core every millisecond it runs
 * delays the I/O thread's work; measured on the benchmark's load, a busy loop taking a tenth of the
 * core cost the server's time to first chunk nothing measurable, a fifth a few milliseconds at p99,
 * a whole core ten at the median (docs/PERFORMANCE.md).
 */
final class TimeShare {
  /** What a message is assumed to take before any has been measured. */
  static final long FIRST_GUESS_NANOS = 5_000_000;

  private final double share;
  private final long allowanceNanos;
  private final LongSupplier nanoClock;
  private final DoubleSupplier processLoad;
  private final double busyAt;

  /** Guarded by this. */
  private long balance;

  /** Guarded by this. */
  private long updated;

  /** Guarded by this: messages reserved for and not yet settled or refunded. */
  private int inFlight;

  /** Guarded by this: a moving average of what a message took. */
  private long typicalCost = FIRST_GUESS_NANOS;

  /**
   * @param share the share of one core, above zero
   * @param allowanceNanos the most the balance holds: how much model time an idle model may spend
   *     at once before the share paces it
   * @param nanoClock a monotonic clock in nanoseconds, {@link System#nanoTime} but in tests
   * @param processLoad the process's recent load, 0 to 1 (see {@link ProcessLoad})
   * @param busyAt the load from which the share applies; below it a message that finds the model
   *     idle is taken free
   */
  TimeShare(
      double share,
      long allowanceNanos,
      LongSupplier nanoClock,
      DoubleSupplier processLoad,
      double busyAt) {
    if (!(share > 0)) {
      throw new IllegalArgumentException("share must be above zero, was " + share);
    }
    if (allowanceNanos < 0) {
      throw new IllegalArgumentException("allowance must not be negative, was " + allowanceNanos);
    }
    this.share = share;
    this.allowanceNanos = allowanceNanos;
    this.nanoClock = nanoClock;
    this.processLoad = processLoad;
    this.busyAt = busyAt;
    this.updated = nanoClock.getAsLong();
    this.balance = allowanceNanos;
  }

  /**
   * {@return the time reserved for one more message (0 when it is taken free: the process is not
   * busy and the model has no other message), or empty if the share is used up} Give it to {@link
   * #settle} once the message has run, or to {@link #refund} if it never does.
   */
  synchronized OptionalLong reserve() {
    refill();
    if (inFlight == 0 && processLoad.getAsDouble() < busyAt) {
      inFlight++;
      return OptionalLong.of(0);
    }
    if (balance < 0) {
      return OptionalLong.empty();
    }
    balance -= typicalCost;
    inFlight++;
    return OptionalLong.of(typicalCost);
  }

  /** Replaces a reservation with what the message really took. */
  synchronized void settle(long reserved, long spentNanos) {
    inFlight--;
    refill();
    if (reserved > 0) {
      balance += reserved - spentNanos;
    }
    // Never 0, which would read as a free reservation.
    typicalCost = Math.max(1, typicalCost + (spentNanos - typicalCost) / 8);
  }

  /** Gives back the reservation of a message that never ran. */
  synchronized void refund(long reserved) {
    inFlight--;
    if (reserved == 0) {
      return;
    }
    refill();
    balance = Math.min(allowanceNanos, balance + reserved);
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    double earned = (now - updated) * share;
    updated = now;
    balance = (long) Math.min(allowanceNanos, balance + earned);
  }

  @Override
  public String toString() {
    return "TimeShare{share="
        + share
        + ", allowanceNanos="
        + allowanceNanos
        + ", busyAt="
        + busyAt
        + ", processLoad="
        + processLoad
        + "}";
  }
}
