package dev.mia.core.safety;

import java.util.Objects;

/**
 * What a {@link SafetyClassifier} concluded about one message.
 *
 * @param tier the tier
 * @param category a short label of the rule that decided it, for logs and metrics (never message
 *     text), e.g. {@code "suicidal-ideation"}; {@code "none"} for tier 1
 */
public record SafetyAssessment(SafetyTier tier, String category) {
  /** The assessment of a message that signals nothing. */
  public static final SafetyAssessment NORMAL = new SafetyAssessment(SafetyTier.NORMAL, "none");

  /** Checks both fields are present. */
  public SafetyAssessment {
    Objects.requireNonNull(tier, "tier == null");
    Objects.requireNonNull(category, "category == null");
  }

  /** {@return the assessment with the higher tier, this one on a tie} */
  public SafetyAssessment max(SafetyAssessment other) {
    return other.tier.level() > tier.level() ? other : this;
  }
}
