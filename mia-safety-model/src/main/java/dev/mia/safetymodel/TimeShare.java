package dev.mia.safetymodel;

import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The share of one core's time the model may take, kept as a balance of model time: the balance
 * fills at {@code share} nanoseconds per nanosecond of wall time, up to a small allowance; a
 * message given to the model reserves what a message has recently taken, and what it really took
 * settles the reservation (a message shed before it ran gives its reservation back). While the
 * balance is below zero no message is reserved for, so the model's long-run time stays at the share
 * however many messages arrive. Thread-safe.
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

  /** Guarded by this. */
  private long balance;

  /** Guarded by this. */
  private long updated;

  /** Guarded by this: a moving average of what a message took. */
  private long typicalCost = FIRST_GUESS_NANOS;

  /**
   * @param share the share of one core, above zero
   * @param allowanceNanos the most the balance holds: how much model time an idle model may spend
   *     at once before the share paces it
   * @param nanoClock a monotonic clock in nanoseconds, {@link System#nanoTime} but in tests
   */
  TimeShare(double share, long allowanceNanos, LongSupplier nanoClock) {
    if (!(share > 0)) {
      throw new IllegalArgumentException("share must be above zero, was " + share);
    }
    if (allowanceNanos < 0) {
      throw new IllegalArgumentException("allowance must not be negative, was " + allowanceNanos);
    }
    this.share = share;
    this.allowanceNanos = allowanceNanos;
    this.nanoClock = nanoClock;
    this.updated = nanoClock.getAsLong();
    this.balance = allowanceNanos;
  }

  /**
   * {@return the time reserved for one more message, or empty if the share is used up} Give it to
   * {@link #settle} once the message has run, or to {@link #refund} if it never does.
   */
  synchronized OptionalLong reserve() {
    refill();
    if (balance < 0) {
      return OptionalLong.empty();
    }
    balance -= typicalCost;
    return OptionalLong.of(typicalCost);
  }

  /** Replaces a reservation with what the message really took. */
  synchronized void settle(long reserved, long spentNanos) {
    refill();
    balance += reserved - spentNanos;
    typicalCost += (spentNanos - typicalCost) / 8;
  }

  /** Gives back the reservation of a message that never ran. */
  synchronized void refund(long reserved) {
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
    return "TimeShare{share=" + share + ", allowanceNanos=" + allowanceNanos + "}";
  }
}
