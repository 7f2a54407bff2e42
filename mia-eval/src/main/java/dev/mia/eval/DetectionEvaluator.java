package dev.mia.eval;

import dev.mia.core.profile.AgeDetector;
import dev.mia.core.profile.Profiles;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyClassifiers;
import dev.mia.core.safety.SafetyTier;
import dev.mia.safetymodel.SafetyModelClassifier;
import dev.mia.safetymodel.SafetyModelTraining;
import dev.mia.safetymodel.SafetyModels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Scores the safety classifier and age detector on a labelled JSON Lines set and prints a readable
 * report, ending with one line of JSON. Run from the repository root:
 *
 * <pre>
 * mvn -q -pl mia-eval -am compile -Pevaluate -Dexec.args="../shared/eval/safety-age-dev.jsonl"
 * mvn -q -pl mia-eval -am compile -Pevaluate \
 *     -Dexec.args="--rules original ../shared/eval/safety-age-dev.jsonl"
 * </pre>
 *
 * <p>Options: {@code --rules standard} (the default classifier and age detector) or {@code --rules
 * original} (the original server's substring rules and four age patterns); {@code --safety-rules
 * FILE} and {@code --age-rules FILE} add an operator's rule files to the standard ones; {@code
 * --json-out FILE} also writes the JSON line to a file, for scripts. {@code --model} adds the
 * safety model (mia-safety-model) and rules + model side by side, with misses per category; {@code
 * --cv K} does K-fold cross-validation of the model on its training data and {@code --held-out}
 * scores its held-out part (score that once), both from {@code --data DIR} (default {@code
 * mia-safety-model/data}). The report prints the text of every misclassified message: run it on
 * synthetic sets only, never on real users' messages.
 */
public final class DetectionEvaluator {
  private static final String USAGE =
      "usage: DetectionEvaluator [--rules standard|original] [--safety-rules FILE]"
          + " [--age-rules FILE] [--json-out FILE] [--model] LABELLED.jsonl\n"
          + "       DetectionEvaluator --cv K [--data DIR] [--json-out FILE]\n"
          + "       DetectionEvaluator --held-out [--data DIR] [--json-out FILE]";

  /** Where the safety model's data lives, from the repository root. */
  static final Path DEFAULT_DATA = Path.of("mia-safety-model", "data");

  private DetectionEvaluator() {}

  /** Runs the evaluator; exits with 2 on a usage error and 1 when the set cannot be read. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the evaluator with {@code args}, printing the report to {@code out} and problems to {@code
   * err}.
   *
   * @return 0 on success, 1 if a file cannot be read or parsed, 2 on a usage error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String rules = "standard";
    Path safetyRules = null;
    Path ageRules = null;
    Path jsonOut = null;
    Path file = null;
    boolean model = false;
    boolean heldOut = false;
    int folds = 0;
    Path data = DEFAULT_DATA;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--model" -> model = true;
        case "--held-out" -> heldOut = true;
        case "--rules", "--safety-rules", "--age-rules", "--json-out", "--cv", "--data" -> {
          if (i + 1 >= args.length) {
            err.println(arg + " needs a value");
            err.println(USAGE);
            return 2;
          }
          String value = args[++i];
          if (arg.equals("--rules")) {
            rules = value;
          } else if (arg.equals("--safety-rules")) {
            safetyRules = Path.of(value);
          } else if (arg.equals("--json-out")) {
            jsonOut = Path.of(value);
          } else if (arg.equals("--data")) {
            data = Path.of(value);
          } else if (arg.equals("--cv")) {
            try {
              folds = Integer.parseInt(value);
            } catch (NumberFormatException e) {
              folds = -1;
            }
            if (folds < 2 || folds > 20) {
              err.println("--cv must be a whole number from 2 to 20, was '" + value + "'");
              return 2;
            }
          } else {
            ageRules = Path.of(value);
          }
        }
        case "-h", "--help" -> {
          out.println(USAGE);
          return 0;
        }
        default -> {
          if (arg.startsWith("-") || file != null) {
            err.println("unexpected argument: " + arg);
            err.println(USAGE);
            return 2;
          }
          file = Path.of(arg);
        }
      }
    }
    if (folds > 0 || heldOut) {
      if (file != null
          || model
          || !rules.equals("standard")
          || safetyRules != null
          || ageRules != null
          || (folds > 0 && heldOut)) {
        err.println("--cv and --held-out each stand alone (with --data and --json-out only)");
        err.println(USAGE);
        return 2;
      }
      return runModelData(data, folds, out, err, jsonOut);
    }
    if (file == null) {
      err.println("no labelled file given");
      err.println(USAGE);
      return 2;
    }
    if (!rules.equals("standard") && !rules.equals("original")) {
      err.println("--rules must be 'standard' or 'original', was '" + rules + "'");
      return 2;
    }
    if (rules.equals("original") && (safetyRules != null || ageRules != null)) {
      err.println("--safety-rules and --age-rules extend the standard rules only");
      return 2;
    }
    try {
      SafetyClassifier classifier;
      AgeDetector ageDetector;
      if (rules.equals("original")) {
        classifier = SafetyClassifiers.original();
        ageDetector = Profiles.originalAgeDetector();
      } else {
        classifier =
            safetyRules == null
                ? SafetyClassifiers.standard()
                : SafetyClassifiers.standard(safetyRules);
        ageDetector =
            ageRules == null
                ? Profiles.standardAgeDetector()
                : Profiles.standardAgeDetector(ageRules);
      }
      List<LabelledMessage> messages = LabelledSet.read(file);
      DetectionReport report = DetectionReport.score(messages, classifier, ageDetector);
      String name = rules + describeExtras(safetyRules, ageRules);
      printText(report, name, file, out);
      String json = report.toJson(name);
      if (model) {
        List<String> categories = new ArrayList<>();
        for (SafetyModelTraining.Example example : SafetyModelTraining.read(file)) {
          categories.add(example.category());
        }
        ModelComparison comparison =
            new ModelComparison(
                messages,
                categories,
                tiers(messages, classifier),
                modelTiers(messages),
                ageDetector);
        comparison.print("Rules, model and combined (" + file.getFileName() + ")", out);
        json = comparison.toJson(name);
      }
      out.println(json);
      if (jsonOut != null) {
        Files.writeString(jsonOut, json + "\n", StandardCharsets.UTF_8);
      }
      return 0;
    } catch (IOException e) {
      err.println("cannot read or write " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  /** The --cv and --held-out modes: the safety model's own data, split as it was trained. */
  private static int runModelData(
      Path data, int folds, PrintStream out, PrintStream err, Path jsonOut) {
    try {
      SafetyModelTraining.Split split = SafetyModelTraining.split(data);
      List<SafetyModelTraining.Example> examples = folds > 0 ? split.training() : split.heldOut();
      Map<String, LabelledMessage> byId = new HashMap<>();
      for (String name : SafetyModelTraining.labelledFiles()) {
        for (LabelledMessage message : LabelledSet.read(data.resolve(name))) {
          byId.put(message.id(), message);
        }
      }
      List<LabelledMessage> messages = new ArrayList<>();
      List<String> categories = new ArrayList<>();
      for (SafetyModelTraining.Example example : examples) {
        messages.add(byId.get(example.id()));
        categories.add(example.category());
      }
      SafetyClassifier rules = SafetyClassifiers.standard();
      AgeDetector ages = Profiles.standardAgeDetector();
      String title;
      List<SafetyTier> model;
      if (folds > 0) {
        title =
            folds
                + "-fold cross-validation on the training data (model tiers out of fold; thresholds"
                + " chosen inside each fold)";
        Path cache = data.resolve("../target/embedding-cache/training.bin").normalize();
        model = SafetyModelTraining.crossValidate(examples, folds, cache);
      } else {
        title = "Held-out part of our own sets (never used to fit, tune or write rules)";
        model = modelTiers(messages);
      }
      DetectionReport report = DetectionReport.score(messages, rules, ages);
      String name = "standard";
      printText(report, name, data.resolve(folds > 0 ? "training" : "held-out"), out);
      ModelComparison comparison =
          new ModelComparison(messages, categories, tiers(messages, rules), model, ages);
      comparison.print(title, out);
      String json = comparison.toJson(folds > 0 ? "standard, cv " + folds : "standard, held-out");
      out.println(json);
      if (jsonOut != null) {
        Files.writeString(jsonOut, json + "\n", StandardCharsets.UTF_8);
      }
      return 0;
    } catch (IOException e) {
      err.println("cannot read or write " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  private static List<SafetyTier> tiers(List<LabelledMessage> messages, SafetyClassifier rules) {
    List<SafetyTier> tiers = new ArrayList<>();
    for (LabelledMessage message : messages) {
      tiers.add(rules.assess(message.text()).tier());
    }
    return tiers;
  }

  /** {@return the shipped model's tier for each message, without the rules} */
  private static List<SafetyTier> modelTiers(List<LabelledMessage> messages) {
    try (SafetyModelClassifier model =
        SafetyModels.builder().modelOnly().queueCapacity(10_000).build()) {
      return tiers(messages, model);
    }
  }

  private static String describeExtras(Path safetyRules, Path ageRules) {
    StringBuilder extras = new StringBuilder();
    if (safetyRules != null) {
      extras.append(" + ").append(safetyRules.getFileName());
    }
    if (ageRules != null) {
      extras.append(" + ").append(ageRules.getFileName());
    }
    return extras.toString();
  }

  static void printText(DetectionReport report, String rules, Path file, PrintStream out) {
    out.println("Mia detection evaluation");
    out.println("rules: " + rules);
    out.println("set:   " + file + " (" + report.n() + " messages)");
    out.println();
    out.println("Safety tier");
    line(out, "tier 3 recall", report.recall(SafetyTier.CRITICAL));
    line(out, "tier 3 precision", report.precision(SafetyTier.CRITICAL));
    line(out, "tier 2 recall", report.recall(SafetyTier.MODERATE));
    line(out, "tier 2 precision", report.precision(SafetyTier.MODERATE));
    line(out, "tier 1 recall", report.recall(SafetyTier.NORMAL));
    line(out, "tier 1 precision", report.precision(SafetyTier.NORMAL));
    line(out, "tier 1 false alarms (tier 1 given 2 or 3)", report.tier1FalseAlarmRate());
    line(out, "tier 3 false positives (tier 1 given 3)", report.tier3FalsePositiveRate());
    line(out, "tier accuracy", report.tierAccuracy());
    out.println();
    out.println("Confusion matrix (rows: labelled tier, columns: predicted tier)");
    out.println("            pred 1  pred 2  pred 3");
    for (SafetyTier truth : SafetyTier.values()) {
      out.printf(
          Locale.ROOT,
          "  tier %d  %8d%8d%8d%n",
          truth.level(),
          report.count(truth, SafetyTier.NORMAL),
          report.count(truth, SafetyTier.MODERATE),
          report.count(truth, SafetyTier.CRITICAL));
    }
    out.println();
    out.println("Age");
    line(out, "age accuracy (exact, on labelled ages)", report.ageAccuracy());
    line(out, "age false positives (age given, none stated)", report.ageFalsePositiveRate());
    out.println();
    out.println("Wrong tier (" + report.tierMisses().size() + ")");
    for (DetectionReport.TierMiss miss : report.tierMisses()) {
      out.printf(
          Locale.ROOT,
          "  %s  labelled %d, predicted %d (%s): %s%n",
          miss.id(),
          miss.expected().level(),
          miss.predicted().level(),
          miss.category(),
          oneLine(miss.text()));
    }
    out.println();
    out.println("Wrong age (" + report.ageMisses().size() + ")");
    for (DetectionReport.AgeMiss miss : report.ageMisses()) {
      out.printf(
          Locale.ROOT,
          "  %s  labelled %s, predicted %s: %s%n",
          miss.id(),
          describe(miss.expected()),
          describe(miss.predicted()),
          oneLine(miss.text()));
    }
    out.println();
  }

  private static void line(PrintStream out, String name, Ratio ratio) {
    out.printf(Locale.ROOT, "  %-46s %s%n", name, ratio);
  }

  private static String describe(OptionalInt age) {
    return age.isPresent() ? Integer.toString(age.getAsInt()) : "none";
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ");
  }
}
