package dev.mia.core.safety;

/**
 * How much danger a message signals, from 1 (normal) to 3 (critical). Tiers 2 and 3 raise a safety
 * alert before the reply.
 */
public enum SafetyTier {
  /** Nothing concerning. */
  NORMAL(1),
  /** Substance misuse, abuse, running away, disordered eating or being unsafe. */
  MODERATE(2),
  /** Suicidal thoughts, self-harm, or a wish to die. */
  CRITICAL(3);

  private final int level;

  SafetyTier(int level) {
    this.level = level;
  }

  /** {@return the number clients see, 1 to 3} */
  public int level() {
    return level;
  }

  /** {@return whether this tier raises a safety alert} */
  public boolean raisesAlert() {
    return this != NORMAL;
  }

  /** {@return the higher of this tier and {@code other}} */
  public SafetyTier max(SafetyTier other) {
    return level >= other.level ? this : other;
  }

  /**
   * {@return the tier with this level}
   *
   * @throws IllegalArgumentException if {@code level} is not 1, 2 or 3
   */
  public static SafetyTier ofLevel(int level) {
    for (SafetyTier tier : values()) {
      if (tier.level == level) {
        return tier;
      }
    }
    throw new IllegalArgumentException("safety tier must be 1, 2 or 3, was " + level);
  }
}
