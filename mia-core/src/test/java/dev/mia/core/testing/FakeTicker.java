package dev.mia.core.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A Caffeine {@link Ticker} that stands still until a test moves it. Thread-safe. */
public final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong();

  /** Moves time forward by {@code amount}. */
  public FakeTicker advance(Duration amount) {
    nanos.addAndGet(amount.toNanos());
    return this;
  }

  @Override
  public long read() {
    return nanos.get();
  }
}
