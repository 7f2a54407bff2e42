package dev.mia.core.session;

import java.util.Objects;

/**
 * What a {@link SessionStore} says when asked whether it can serve now ({@link
 * SessionStore#health}): healthy, or unhealthy with the reason. Immutable.
 */
public sealed interface StoreHealth {
  /** The answer of a store that can serve. */
  StoreHealth HEALTHY = new Healthy();

  /** The store can serve. */
  record Healthy() implements StoreHealth {}

  /**
   * The store cannot serve now.
   *
   * @param reason why, in words fit to show an operator: no password, no message text
   */
  record Unhealthy(String reason) implements StoreHealth {
    /** Checks the reason is present. */
    public Unhealthy {
      Objects.requireNonNull(reason, "reason == null");
    }
  }
}
