package dev.mia.eval;

import dev.mia.core.profile.AgeDetector;
import dev.mia.core.profile.Profiles;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyClassifiers;
import dev.mia.core.safety.SafetyTier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
 * --json-out FILE} also writes the JSON line to a file, for scripts. The report prints the text of
 * every misclassified message: run it on synthetic sets only, never on real users' messages.
 */
public final class DetectionEvaluator {
  private static final String USAGE =
      "usage: DetectionEvaluator [--rules standard|original] [--safety-rules FILE]"
          + " [--age-rules FILE] [--json-out FILE] LABELLED.jsonl";

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
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--rules", "--safety-rules", "--age-rules", "--json-out" -> {
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
