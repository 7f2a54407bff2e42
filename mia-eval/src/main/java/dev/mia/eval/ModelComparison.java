package dev.mia.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mia.core.profile.AgeDetector;
import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rules, model and combined side by side on one set of messages, from tiers already computed (the
 * model's may come from cross-validation), with the misses of each per category.
 */
final class ModelComparison {
  private static final ObjectMapper JSON = new ObjectMapper();

  final DetectionReport rules;
  final DetectionReport model;
  final DetectionReport combined;
  private final List<LabelledMessage> messages;
  private final List<String> categories;

  ModelComparison(
      List<LabelledMessage> messages,
      List<String> categories,
      List<SafetyTier> rulesTiers,
      List<SafetyTier> modelTiers,
      AgeDetector ages) {
    this.messages = messages;
    this.categories = categories;
    List<SafetyTier> combinedTiers =
        java.util.stream.IntStream.range(0, messages.size())
            .mapToObj(i -> rulesTiers.get(i).max(modelTiers.get(i)))
            .toList();
    this.rules = DetectionReport.score(messages, fixed(messages, rulesTiers, "rules"), ages);
    this.model = DetectionReport.score(messages, fixed(messages, modelTiers, "model"), ages);
    this.combined =
        DetectionReport.score(messages, fixed(messages, combinedTiers, "combined"), ages);
  }

  /** A classifier that answers each message's text with a tier computed beforehand. */
  private static SafetyClassifier fixed(
      List<LabelledMessage> messages, List<SafetyTier> tiers, String category) {
    Map<String, SafetyTier> byText = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      byText.put(messages.get(i).text(), tiers.get(i));
    }
    return text -> {
      SafetyTier tier = byText.get(text);
      return tier == SafetyTier.NORMAL || tier == null
          ? SafetyAssessment.NORMAL
          : new SafetyAssessment(tier, category);
    };
  }

  void print(String title, PrintStream out) {
    out.println(title);
    out.printf(Locale.ROOT, "  %-34s %-16s %-16s %-16s%n", "", "rules", "model", "combined");
    row(out, "tier 3 recall", r -> r.recall(SafetyTier.CRITICAL));
    row(out, "tier 2 recall", r -> r.recall(SafetyTier.MODERATE));
    row(out, "tier 1 false alarms (given 2 or 3)", DetectionReport::tier1FalseAlarmRate);
    row(out, "tier 3 false positives (1 given 3)", DetectionReport::tier3FalsePositiveRate);
    row(out, "tier 3 precision", r -> r.precision(SafetyTier.CRITICAL));
    row(out, "tier 2 precision", r -> r.precision(SafetyTier.MODERATE));
    row(out, "tier accuracy", DetectionReport::tierAccuracy);
    out.println();
    out.println("  Misses per category (labelled tier: category  n  rules  model  combined)");
    Map<String, int[]> perCategory = new TreeMap<>();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      index.put(messages.get(i).id(), i);
      String key = messages.get(i).tier().level() + ": " + categories.get(i);
      perCategory.computeIfAbsent(key, k -> new int[4])[0]++;
    }
    count(rules, index, perCategory, 1);
    count(model, index, perCategory, 2);
    count(combined, index, perCategory, 3);
    List<String> keys = new java.util.ArrayList<>(perCategory.keySet());
    keys.sort(java.util.Comparator.reverseOrder()); // tier 3 first
    for (String key : keys) {
      int[] c = perCategory.get(key);
      out.printf(Locale.ROOT, "  %-36s %4d %6d %6d %9d%n", key, c[0], c[1], c[2], c[3]);
    }
    out.println();
  }

  private void count(
      DetectionReport report, Map<String, Integer> index, Map<String, int[]> perCategory, int col) {
    for (DetectionReport.TierMiss miss : report.tierMisses()) {
      int i = index.get(miss.id());
      perCategory.get(messages.get(i).tier().level() + ": " + categories.get(i))[col]++;
    }
  }

  private void row(
      PrintStream out, String name, java.util.function.Function<DetectionReport, Ratio> metric) {
    out.printf(
        Locale.ROOT,
        "  %-34s %-16s %-16s %-16s%n",
        name,
        metric.apply(rules),
        metric.apply(model),
        metric.apply(combined));
  }

  /** {@return the rules' JSON line with the model's and the combined metrics nested in it} */
  String toJson(String name) {
    try {
      ObjectNode json = (ObjectNode) JSON.readTree(rules.toJson(name));
      json.set("model", JSON.readTree(model.toJson(name + " model")));
      json.set("combined", JSON.readTree(combined.toJson(name + " + model")));
      return JSON.writeValueAsString(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
