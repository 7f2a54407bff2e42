package dev.mia.core.safety;

/** The classifiers Mia ships. */
public final class SafetyClassifiers {
  private SafetyClassifiers() {}

  /** {@return the default classifier} */
  public static SafetyClassifier standard() {
    return original();
  }

  /**
   * {@return the original server's substring rules, for comparison}: it misses chat spellings and
   * raises false alarms; use {@link #standard()} in production.
   */
  public static SafetyClassifier original() {
    return new SubstringSafetyClassifier();
  }
}
