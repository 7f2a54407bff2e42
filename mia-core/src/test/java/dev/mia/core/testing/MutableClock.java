package dev.mia.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link Clock} that stands still until a test moves it. Thread-safe. */
public final class MutableClock extends Clock {
  /** Where every new clock starts: a whole second, so JWT seconds truncate nothing. */
  public static final Instant START = Instant.parse("2025-10-19T12:00:00Z");

  private final AtomicReference<Instant> now;

  private MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** {@return a clock standing at {@link #START}} */
  public static MutableClock atStart() {
    return new MutableClock(START);
  }

  /** Moves the clock forward by {@code amount}. */
  public MutableClock advance(Duration amount) {
    Objects.requireNonNull(amount, "amount == null");
    now.updateAndGet(instant -> instant.plus(amount));
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a MutableClock is always in UTC");
  }
}
