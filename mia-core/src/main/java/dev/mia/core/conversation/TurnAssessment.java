package dev.mia.core.conversation;

import dev.mia.core.exercise.GuidedExercise;
import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the engine made of one user message, told to the reply's listener before any alert or chunk
 * ({@link ReplyListener#onAssessed}).
 *
 * @param tier the message's safety tier
 * @param category the classifier's reason for the tier
 * @param mode the mode the reply is written in
 * @param age the user's age, if known
 * @param intent what the reply sets out to do, one word: {@code crisis_support} (tier 3), {@code
 *     safety_check} (tier 2), else by mode {@code greet}, {@code reflect}, {@code validate}, {@code
 *     support}, {@code inform}
 * @param riskLevel the tier in words: {@code none}, {@code medium}, {@code high}
 * @param exercises the guided exercises worth offering after this message, maybe none
 */
public record TurnAssessment(
    SafetyTier tier,
    String category,
    Mode mode,
    OptionalInt age,
    String intent,
    String riskLevel,
    List<GuidedExercise> exercises) {

  /** Checks every field is present. */
  public TurnAssessment {
    Objects.requireNonNull(tier, "tier == null");
    Objects.requireNonNull(category, "category == null");
    Objects.requireNonNull(mode, "mode == null");
    Objects.requireNonNull(age, "age == null");
    Objects.requireNonNull(intent, "intent == null");
    Objects.requireNonNull(riskLevel, "riskLevel == null");
    exercises = List.copyOf(exercises);
  }

  /** {@return the assessment of a message of {@code tier} answered in {@code mode}} */
  public static TurnAssessment of(
      SafetyTier tier,
      String category,
      Mode mode,
      OptionalInt age,
      List<GuidedExercise> exercises) {
    return new TurnAssessment(
        tier, category, mode, age, intentOf(mode, tier), riskLevelOf(tier), exercises);
  }

  /** {@return the intent of a reply in {@code mode} to a message of {@code tier}} */
  public static String intentOf(Mode mode, SafetyTier tier) {
    return switch (tier) {
      case CRITICAL -> "crisis_support";
      case MODERATE -> "safety_check";
      case NORMAL ->
          switch (mode) {
            case GREETING -> "greet";
            case MIRROR_LEARNING -> "reflect";
            case EDUCATIONAL -> "validate";
            case URGENCY -> "support";
            case FUNDRAISING -> "inform";
          };
    };
  }

  /** {@return {@code tier} in words: none, medium, high} */
  public static String riskLevelOf(SafetyTier tier) {
    return switch (tier) {
      case NORMAL -> "none";
      case MODERATE -> "medium";
      case CRITICAL -> "high";
    };
  }
}
