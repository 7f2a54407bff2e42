package dev.mia.safetymodel;

import dev.mia.core.safety.SafetyClassifiers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark, run by hand, not a test: latency of {@code assess} (rules alone, and rules + model
 * through the pool) on the dev set's texts, and the heap and resident memory the model adds. From
 * mia-safety-model, after {@code mvn test-compile}:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) dev.mia.safetymodel.SafetyModelBenchmark
 * </pre>
 *
 * Prints timings and sizes only.
 */
final class SafetyModelBenchmark {
  private SafetyModelBenchmark() {}

  public static void main(String[] args) throws IOException {
    List<String> texts = new ArrayList<>();
    for (SafetyModelTraining.Example e :
        SafetyModelTraining.read(Path.of("data", SafetyModelTraining.DEV_SET))) {
      texts.add(e.text());
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    var rules = SafetyClassifiers.standard();
    for (String t : texts) {
      rules.assess(t);
    }
    long heapBefore = heapAfterGc();
    long rssBefore = rssKb();
    long start = System.nanoTime();
    try (SafetyModelClassifier classifier = SafetyModels.standard()) {
      long loadMillis = (System.nanoTime() - start) / 1_000_000;
      for (String t : texts) { // warm-up
        classifier.assess(t);
      }
      long heapAfter = heapAfterGc();
      long rssAfter = rssKb();
      long[] combined = new long[texts.size() * rounds];
      long[] rulesOnly = new long[texts.size() * rounds];
      int n = 0;
      for (int r = 0; r < rounds; r++) {
        for (String t : texts) {
          long t0 = System.nanoTime();
          rules.assess(t);
          long t1 = System.nanoTime();
          classifier.assess(t);
          long t2 = System.nanoTime();
          rulesOnly[n] = t1 - t0;
          combined[n++] = t2 - t1;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "model load %d ms; %d calls%n"
              + "rules alone:   median %.2f ms, p99 %.2f ms%n"
              + "rules + model: median %.2f ms, p99 %.2f ms (rules tier 3 skips the model)%n"
              + "heap added %.1f MB (after GC), RSS added %.1f MB (%d -> %d MB)%n",
          loadMillis,
          n,
          percentile(rulesOnly, 50),
          percentile(rulesOnly, 99),
          percentile(combined, 50),
          percentile(combined, 99),
          (heapAfter - heapBefore) / 1e6,
          (rssAfter - rssBefore) / 1024.0,
          rssBefore / 1024,
          rssAfter / 1024);
    }
  }

  private static double percentile(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
