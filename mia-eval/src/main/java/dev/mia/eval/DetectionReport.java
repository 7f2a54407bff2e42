package dev.mia.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mia.core.profile.AgeDetector;
import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The scores of a safety classifier and an age detector on a labelled set, with the raw counts
 * behind every metric (definitions in {@code shared/eval/README.md}). Immutable; build one with
 * {@link #score}.
 */
public final class DetectionReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A message whose predicted tier differs from its label.
   *
   * @param category the category the classifier gave
   */
  public record TierMiss(
      String id, String text, SafetyTier expected, SafetyTier predicted, String category) {}

  /** A message whose predicted age differs from its label (empty means "no age"). */
  public record AgeMiss(String id, String text, OptionalInt expected, OptionalInt predicted) {}

  private final int n;
  private final int[][] confusion = new int[3][3];
  private int agedTotal;
  private int agedHits;
  private int unagedTotal;
  private int unagedGivenAge;
  private final List<TierMiss> tierMisses = new ArrayList<>();
  private final List<AgeMiss> ageMisses = new ArrayList<>();

  private DetectionReport(int n) {
    this.n = n;
  }

  /**
   * {@return the scores of {@code classifier} and {@code ageDetector} on {@code messages}}
   *
   * @throws IllegalArgumentException if {@code messages} is empty
   */
  public static DetectionReport score(
      List<LabelledMessage> messages, SafetyClassifier classifier, AgeDetector ageDetector) {
    Objects.requireNonNull(messages, "messages == null");
    Objects.requireNonNull(classifier, "classifier == null");
    Objects.requireNonNull(ageDetector, "ageDetector == null");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("no messages to score");
    }
    DetectionReport report = new DetectionReport(messages.size());
    for (LabelledMessage message : messages) {
      SafetyAssessment assessment = classifier.assess(message.text());
      SafetyTier predicted = assessment.tier();
      report.confusion[message.tier().level() - 1][predicted.level() - 1]++;
      if (predicted != message.tier()) {
        report.tierMisses.add(
            new TierMiss(
                message.id(), message.text(), message.tier(), predicted, assessment.category()));
      }
      OptionalInt age = ageDetector.detect(message.text());
      if (message.age().isPresent()) {
        report.agedTotal++;
        if (age.equals(message.age())) {
          report.agedHits++;
        }
      } else {
        report.unagedTotal++;
        if (age.isPresent()) {
          report.unagedGivenAge++;
        }
      }
      if (!age.equals(message.age())) {
        report.ageMisses.add(new AgeMiss(message.id(), message.text(), message.age(), age));
      }
    }
    return report;
  }

  /** {@return how many messages were scored} */
  public int n() {
    return n;
  }

  /** {@return how many messages labelled {@code truth} were predicted {@code predicted}} */
  public int count(SafetyTier truth, SafetyTier predicted) {
    return confusion[truth.level() - 1][predicted.level() - 1];
  }

  /** {@return of the messages labelled {@code tier}, those predicted {@code tier}} */
  public Ratio recall(SafetyTier tier) {
    int total = 0;
    for (SafetyTier predicted : SafetyTier.values()) {
      total += count(tier, predicted);
    }
    return new Ratio(count(tier, tier), total);
  }

  /** {@return of the messages predicted {@code tier}, those labelled {@code tier}} */
  public Ratio precision(SafetyTier tier) {
    int total = 0;
    for (SafetyTier truth : SafetyTier.values()) {
      total += count(truth, tier);
    }
    return new Ratio(count(tier, tier), total);
  }

  /** {@return of the messages labelled tier 1, those given tier 2 or 3: needless alerts} */
  public Ratio tier1FalseAlarmRate() {
    Ratio normal = recall(SafetyTier.NORMAL);
    return new Ratio(normal.total() - normal.hits(), normal.total());
  }

  /** {@return of the messages labelled tier 1, those given tier 3} */
  public Ratio tier3FalsePositiveRate() {
    return new Ratio(
        count(SafetyTier.NORMAL, SafetyTier.CRITICAL), recall(SafetyTier.NORMAL).total());
  }

  /** {@return of all messages, those whose predicted tier equals the label} */
  public Ratio tierAccuracy() {
    int hits = 0;
    for (SafetyTier tier : SafetyTier.values()) {
      hits += count(tier, tier);
    }
    return new Ratio(hits, n);
  }

  /** {@return of the messages with an age label, those given exactly that age} */
  public Ratio ageAccuracy() {
    return new Ratio(agedHits, agedTotal);
  }

  /** {@return of the messages without an age label, those given an age} */
  public Ratio ageFalsePositiveRate() {
    return new Ratio(unagedGivenAge, unagedTotal);
  }

  /** {@return the messages whose tier was wrong, in set order} */
  public List<TierMiss> tierMisses() {
    return List.copyOf(tierMisses);
  }

  /** {@return the messages whose age was wrong, in set order} */
  public List<AgeMiss> ageMisses() {
    return List.copyOf(ageMisses);
  }

  /**
   * {@return the metrics as one line of JSON}: shares rounded to four decimals ({@code null} where
   * a metric does not apply), {@code n}, the given {@code rules} name, and the raw counts under
   * {@code counts}
   */
  public String toJson(String rules) {
    ObjectNode json = JSON.createObjectNode();
    ObjectNode counts = JSON.createObjectNode();
    json.put("rules", rules);
    json.put("n", n);
    put(json, counts, "tier3_recall", recall(SafetyTier.CRITICAL));
    put(json, counts, "tier3_precision", precision(SafetyTier.CRITICAL));
    put(json, counts, "tier2_recall", recall(SafetyTier.MODERATE));
    put(json, counts, "tier2_precision", precision(SafetyTier.MODERATE));
    put(json, counts, "tier1_recall", recall(SafetyTier.NORMAL));
    put(json, counts, "tier1_precision", precision(SafetyTier.NORMAL));
    put(json, counts, "tier1_false_alarm_rate", tier1FalseAlarmRate());
    put(json, counts, "tier3_false_positive_rate", tier3FalsePositiveRate());
    put(json, counts, "tier_accuracy", tierAccuracy());
    put(json, counts, "age_accuracy", ageAccuracy());
    put(json, counts, "age_false_positive_rate", ageFalsePositiveRate());
    json.set("counts", counts);
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void put(ObjectNode json, ObjectNode counts, String name, Ratio ratio) {
    if (ratio.value().isPresent()) {
      json.put(
          name,
          BigDecimal.valueOf(ratio.value().getAsDouble())
              .setScale(4, RoundingMode.HALF_EVEN)
              .stripTrailingZeros());
    } else {
      json.putNull(name);
    }
    counts.put(name, ratio.hits() + "/" + ratio.total());
  }
}
