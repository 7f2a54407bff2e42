package dev.mia.core.safety;

/**
 * Decides how much danger one user message signals. Implementations are thread-safe, quick (they
 * run before every reply) and total: any string, including an empty one, gets an assessment, and
 * they do not throw. A classifier that is unsure between two tiers chooses the higher one, because
 * a missed crisis costs far more than a false alarm.
 */
@FunctionalInterface
public interface SafetyClassifier {

  /** {@return the assessment of {@code message}} */
  SafetyAssessment assess(String message);
}
