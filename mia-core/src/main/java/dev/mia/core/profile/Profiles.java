package dev.mia.core.profile;

import java.io.IOException;
import java.nio.file.Path;

/** The age detectors and mode selector Mia ships. */
public final class Profiles {
  private Profiles() {}

  /** Built once, on first use. */
  private static final class Standard {
    static final AgeDetector INSTANCE = new PatternAgeDetector(AgeRules.builtIn());
  }

  /**
   * {@return the default age detector}: the patterns of the built-in {@code age-rules.txt}, which
   * find the writer's own current age in digits or words and ignore measures, other people's ages
   * and past ages. One shared instance.
   */
  public static AgeDetector standardAgeDetector() {
    return Standard.INSTANCE;
  }

  /**
   * {@return the default age detector extended with an operator's rule file} in the format of the
   * built-in {@code age-rules.txt} (described in its header); its entries are added to the built-in
   * ones.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and line of the first bad line
   */
  public static AgeDetector standardAgeDetector(Path operatorRules) throws IOException {
    return new PatternAgeDetector(AgeRules.builtInPlus(operatorRules));
  }

  /**
   * {@return the original server's four patterns, for comparison}: it reads "I'm 5 minutes away" as
   * age 5; use {@link #standardAgeDetector()} in production.
   */
  public static AgeDetector originalAgeDetector() {
    return new OriginalAgeDetector();
  }

  /** {@return the original server's mode table} */
  public static ModeSelector standardModeSelector() {
    return new KeywordModeSelector();
  }
}
