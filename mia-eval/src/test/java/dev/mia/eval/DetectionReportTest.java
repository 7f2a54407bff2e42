package dev.mia.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mia.core.profile.AgeDetector;
import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DetectionReportTest {
  /** Says what the message text says: "t3 a9" is tier 3 and age 9; "t1" is tier 1, no age. */
  private static final SafetyClassifier STUB_CLASSIFIER =
      message ->
          new SafetyAssessment(
              SafetyTier.ofLevel(message.charAt(1) - '0'),
              message.startsWith("t1") ? "none" : "stub");

  private static final AgeDetector STUB_AGES =
      message -> {
        int at = message.indexOf(" a");
        return at < 0
            ? OptionalInt.empty()
            : OptionalInt.of(Integer.parseInt(message.substring(at + 2)));
      };

  private static LabelledMessage labelled(String id, String text, int tier, Integer age) {
    return new LabelledMessage(
        id,
        text,
        SafetyTier.ofLevel(tier),
        age == null ? OptionalInt.empty() : OptionalInt.of(age),
        "");
  }

  private final DetectionReport report =
      DetectionReport.score(
          List.of(
              labelled("1", "t3 a9", 3, 9),
              labelled("2", "t2", 3, null),
              labelled("3", "t2 a12", 2, 13),
              labelled("4", "t1", 1, null),
              labelled("5", "t3 a20", 1, null),
              labelled("6", "t1", 1, 14)),
          STUB_CLASSIFIER,
          STUB_AGES);

  @Test
  void confusionMatrixCountsLabelAgainstPrediction() {
    assertEquals(1, report.count(SafetyTier.CRITICAL, SafetyTier.MODERATE));
    assertEquals(1, report.count(SafetyTier.NORMAL, SafetyTier.CRITICAL));
  }

  @Test
  void recallIsOverTheLabelledTier() {
    assertEquals(new Ratio(1, 2), report.recall(SafetyTier.CRITICAL));
  }

  @Test
  void precisionIsOverThePredictedTier() {
    assertEquals(new Ratio(1, 2), report.precision(SafetyTier.CRITICAL));
  }

  @Test
  void falseAlarmRateIsTierOneGivenTwoOrThree() {
    assertEquals(new Ratio(1, 3), report.tier1FalseAlarmRate());
  }

  @Test
  void tierThreeFalsePositiveRateIsTierOneGivenThree() {
    assertEquals(new Ratio(1, 3), report.tier3FalsePositiveRate());
  }

  @Test
  void tierAccuracyIsOverAllMessages() {
    assertEquals(new Ratio(4, 6), report.tierAccuracy());
  }

  @Test
  void ageAccuracyCountsAMissingPredictionAsWrong() {
    assertEquals(new Ratio(1, 3), report.ageAccuracy());
  }

  @Test
  void ageFalsePositiveRateIsOverMessagesWithoutAnAge() {
    assertEquals(new Ratio(1, 3), report.ageFalsePositiveRate());
  }

  @Test
  void missesListTheWrongMessagesInOrder() {
    assertEquals(
        List.of("2", "5"), report.tierMisses().stream().map(DetectionReport.TierMiss::id).toList());
    assertEquals(
        List.of("3", "5", "6"),
        report.ageMisses().stream().map(DetectionReport.AgeMiss::id).toList());
  }

  @Test
  void jsonHasEveryMetricAndItsCount() throws Exception {
    JsonNode json = new ObjectMapper().readTree(report.toJson("stub"));
    assertEquals(0.5, json.get("tier3_recall").asDouble());
    assertEquals(0.3333, json.get("tier1_false_alarm_rate").asDouble());
    assertEquals(6, json.get("n").asInt());
    assertEquals("1/3", json.get("counts").get("age_accuracy").asText());
    assertEquals("stub", json.get("rules").asText());
  }

  @Test
  void metricWithNothingToCountIsNullInJsonAndNaInText() throws Exception {
    DetectionReport none =
        DetectionReport.score(List.of(labelled("1", "t1", 1, null)), STUB_CLASSIFIER, STUB_AGES);
    JsonNode json = new ObjectMapper().readTree(none.toJson("stub"));
    assertTrue(json.get("tier3_precision").isNull());
    assertEquals("0/0 n/a", none.precision(SafetyTier.CRITICAL).toString());
  }

  @Test
  void ratioPrintsCountAndPercentage() {
    assertEquals("13/60 21.7%", new Ratio(13, 60).toString());
  }
}
