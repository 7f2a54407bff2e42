package dev.mia.core.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting in tests: one generous limit for everything, so a slow machine never fails a test that is
 * right, and a broken one fails with a message instead of hanging.
 */
public final class Await {
  /** The longest any test waits for something that should happen. */
  public static final Duration LIMIT = Duration.ofSeconds(15);

  private Await() {}

  /** Waits for {@code latch} to open, or fails naming {@code what}. */
  public static void latch(CountDownLatch latch, String what) {
    try {
      if (!latch.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("gave up after " + LIMIT + " waiting for " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /** {@return the value of {@code future}}, or fails naming {@code what}. */
  public static <T> T future(Future<T> future, String what) {
    try {
      return future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("gave up after " + LIMIT + " waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }
}
