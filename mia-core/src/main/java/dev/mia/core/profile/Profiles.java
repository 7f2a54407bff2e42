package dev.mia.core.profile;

/** The age detectors and mode selector Mia ships. */
public final class Profiles {
  private Profiles() {}

  /** {@return the default age detector} */
  public static AgeDetector standardAgeDetector() {
    return originalAgeDetector();
  }

  /** {@return the original server's four patterns, for comparison} */
  public static AgeDetector originalAgeDetector() {
    return new OriginalAgeDetector();
  }

  /** {@return the original server's mode table} */
  public static ModeSelector standardModeSelector() {
    return new KeywordModeSelector();
  }
}
