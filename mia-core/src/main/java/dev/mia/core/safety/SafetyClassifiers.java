package dev.mia.core.safety;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The classifiers Mia ships. {@link #standard()} is the default: phrase and pattern rules with
 * chat-spelling normalisation and guards for known false alarms, measured on the labelled dev set
 * (see {@code docs/DETECTION.md}).
 */
public final class SafetyClassifiers {
  private SafetyClassifiers() {}

  /** Built once, on first use: compiling the rule file takes a few milliseconds. */
  private static final class Standard {
    static final SafetyClassifier INSTANCE = new PatternSafetyClassifier(SafetyRules.builtIn());
  }

  /** {@return the default classifier, the built-in pattern rules; one shared instance} */
  public static SafetyClassifier standard() {
    return Standard.INSTANCE;
  }

  /**
   * {@return the default classifier extended with an operator's rule file}, in the format of the
   * built-in {@code safety-rules.txt} (described in its header). Its rules, guards, spellings and
   * vocabulary are added to the built-in ones; its macros may use the built-in macros.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and line of the first bad line
   */
  public static SafetyClassifier standard(Path operatorRules) throws IOException {
    return new PatternSafetyClassifier(SafetyRules.builtInPlus(operatorRules));
  }

  /**
   * {@return the original server's substring rules, for comparison}: it misses chat spellings and
   * raises false alarms; use {@link #standard()} in production.
   */
  public static SafetyClassifier original() {
    return new SubstringSafetyClassifier();
  }

  /**
   * {@return {@code primary} with a second opinion from the OpenAI moderation endpoint}: the higher
   * tier of the two, and the primary's result alone when the endpoint fails or takes longer than
   * {@code timeout}. The call blocks the calling thread; see {@link ModerationSafetyClassifier}.
   * Close the result at shutdown.
   *
   * @param apiKey the OpenAI API key
   * @param baseUrl the API base URL ending in {@code /v1}, e.g. {@code https://api.openai.com/v1}
   * @param timeout the longest one call may take, e.g. {@link
   *     ModerationSafetyClassifier#DEFAULT_TIMEOUT}
   */
  public static ModerationSafetyClassifier withModeration(
      SafetyClassifier primary, String apiKey, String baseUrl, Duration timeout) {
    Objects.requireNonNull(primary, "primary == null");
    return ModerationSafetyClassifier.builder()
        .primary(primary)
        .apiKey(apiKey)
        .baseUrl(baseUrl)
        .timeout(timeout)
        .build();
  }
}
