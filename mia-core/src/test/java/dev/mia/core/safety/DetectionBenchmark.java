package dev.mia.core.safety;

import dev.mia.core.profile.AgeDetector;
import dev.mia.core.profile.Profiles;
import java.util.List;
import java.util.function.Function;

/**
 * A plain-Java timing loop for the default safety classifier and age detector, which run before
 * every reply. Not a test: timings depend on the machine, so they are printed, never asserted.
 *
 * <p>Run from the repository root after {@code mvn -o -q -pl mia-core test-compile}:
 *
 * <pre>
 * mvn -o -q -pl mia-core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp mia-core/target/classes:mia-core/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.mia.core.safety.DetectionBenchmark [iterations]
 * </pre>
 *
 * <p>Each message is first run {@code iterations} times to warm up the JIT, then timed over {@code
 * iterations} calls (default 20,000); the figure is the mean time per call.
 */
public final class DetectionBenchmark {
  private DetectionBenchmark() {}

  static final List<String> MESSAGES =
      List.of(
          "Hello, I need someone to talk to",
          "Hi, I'm 10 years old and my homework is killing me today lol",
          "I've been feeling really down lately and I don't know who to talk to about it, my"
              + " parents keep fighting and school is too much");

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    PatternSafetyClassifier classifier = new PatternSafetyClassifier(SafetyRules.builtIn());
    AgeDetector ages = Profiles.standardAgeDetector();
    System.out.printf("%-14s %10s %10s %10s%n", "message", "normalize", "classify", "age");
    for (String message : MESSAGES) {
      double normalize = microsPerCall(classifier::normalized, message, iterations);
      double classify = microsPerCall(classifier::assess, message, iterations);
      double age = microsPerCall(ages::detect, message, iterations);
      System.out.printf(
          "%-14s %8.1fus %8.1fus %8.1fus%n", message.length() + " chars", normalize, classify, age);
    }
  }

  private static double microsPerCall(Function<String, ?> f, String message, int iterations) {
    int sink = 0;
    for (int i = 0; i < iterations; i++) {
      sink += f.apply(message).hashCode();
    }
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      sink += f.apply(message).hashCode();
    }
    long elapsed = System.nanoTime() - start;
    if (sink == 42) {
      // Keeps the results alive so the JIT cannot drop the calls.
      System.out.print("");
    }
    return elapsed / 1000.0 / iterations;
  }
}
