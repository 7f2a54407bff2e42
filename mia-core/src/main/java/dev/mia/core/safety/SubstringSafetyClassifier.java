package dev.mia.core.safety;

import java.util.List;
import java.util.Locale;

/**
 * The original server's rules: a case-insensitive substring match against two short phrase lists.
 * Kept so its results can be compared with the default classifier; it misses chat spellings and
 * raises alerts for idioms such as "cutting-edge".
 */
final class SubstringSafetyClassifier implements SafetyClassifier {
  private static final List<String> CRITICAL =
      List.of(
          "want to die",
          "kill myself",
          "suicide",
          "self harm",
          "self-harm",
          "end my life",
          "better off dead");
  private static final List<String> MODERATE =
      List.of("pills", "drugs", "dealer", "addicted", "overdose", "cutting", "hurt myself");

  @Override
  public SafetyAssessment assess(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    if (CRITICAL.stream().anyMatch(text::contains)) {
      return new SafetyAssessment(SafetyTier.CRITICAL, "original-critical-phrase");
    }
    if (MODERATE.stream().anyMatch(text::contains)) {
      return new SafetyAssessment(SafetyTier.MODERATE, "original-moderate-phrase");
    }
    return SafetyAssessment.NORMAL;
  }
}
