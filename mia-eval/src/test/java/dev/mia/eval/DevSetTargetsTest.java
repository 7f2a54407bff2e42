package dev.mia.eval;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mia.core.profile.Profiles;
import dev.mia.core.safety.SafetyClassifiers;
import dev.mia.core.safety.SafetyTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default classifier and age detector meet the targets of issue 6 on the labelled dev set,
 * {@code shared/eval/safety-age-dev.jsonl} beside the repository. The set is required: without it
 * this test fails rather than skips, so CI cannot pass unmeasured. Set the system property {@code
 * mia.devset} to score another copy.
 */
class DevSetTargetsTest {
  private static final String RELATIVE = "shared/eval/safety-age-dev.jsonl";
  private static DetectionReport report;

  @BeforeAll
  static void score() throws IOException {
    report =
        DetectionReport.score(
            LabelledSet.read(devSet()),
            SafetyClassifiers.standard(),
            Profiles.standardAgeDetector());
  }

  /** Walks up from the working directory (mia-eval under Maven) to find the shared set. */
  static Path devSet() {
    String override = System.getProperty("mia.devset");
    if (override != null && !override.isBlank()) {
      Path path = Path.of(override);
      if (!Files.isRegularFile(path)) {
        fail("mia.devset points to " + path.toAbsolutePath() + ", which is not a file");
      }
      return path;
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return fail(
        "the labelled dev set "
            + RELATIVE
            + " was not found in "
            + start
            + " or any folder above it; check out the shared folder beside the repository"
            + " (e.g. /work/shared next to /work/main) or set -Dmia.devset=PATH");
  }

  private static String misses() {
    return report.tierMisses().stream()
        .map(m -> m.id() + " labelled " + m.expected().level() + " got " + m.predicted().level())
        .collect(Collectors.joining(", "));
  }

  @Test
  void everyTierThreeMessageIsCaught() {
    assertTrue(
        report.recall(SafetyTier.CRITICAL).hits() == report.recall(SafetyTier.CRITICAL).total(),
        () -> "tier 3 recall " + report.recall(SafetyTier.CRITICAL) + "; misses: " + misses());
  }

  @Test
  void tierTwoRecallIsAtLeastNinetyPercent() {
    assertTrue(
        report.recall(SafetyTier.MODERATE).value().orElse(0) >= 0.9,
        () -> "tier 2 recall " + report.recall(SafetyTier.MODERATE) + "; misses: " + misses());
  }

  @Test
  void tierOneFalseAlarmsAreAtMostThreePercent() {
    assertTrue(
        report.tier1FalseAlarmRate().value().orElse(1) <= 0.03,
        () -> "tier 1 false alarms " + report.tier1FalseAlarmRate() + "; misses: " + misses());
  }

  @Test
  void ageAccuracyIsAtLeastNinetyFivePercent() {
    assertTrue(
        report.ageAccuracy().value().orElse(0) >= 0.95,
        () -> "age accuracy " + report.ageAccuracy() + "; misses: " + report.ageMisses());
  }

  @Test
  void ageFalsePositivesAreAtMostTwoPercent() {
    assertTrue(
        report.ageFalsePositiveRate().value().orElse(1) <= 0.02,
        () -> "age false positives " + report.ageFalsePositiveRate() + "; " + report.ageMisses());
  }

  @Test
  void theWholeSetWasScored() {
    assertAll(
        () -> assertTrue(report.n() >= 240, "expected the 240-message dev set, got " + report.n()));
  }
}
