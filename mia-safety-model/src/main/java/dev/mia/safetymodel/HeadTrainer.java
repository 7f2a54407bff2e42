package dev.mia.safetymodel;

import dev.mia.core.safety.SafetyClassifiers;
import dev.mia.safetymodel.SafetyModelTraining.Example;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Trains the head at build time (mia-safety-model's compile phase, in a JVM of its own) and writes
 * it to {@code target/classes}, where the classifier finds it as a resource: {@code HeadTrainer
 * DATA_DIR OUTPUT_FILE CACHE_FILE}.
 *
 * <p>It reads the training data (never the held-out part), embeds it (from the cache under {@code
 * target/} when it can), runs {@value HeadTraining#FOLDS}-fold cross-validation to choose the
 * thresholds, fits the weights on all of it and writes them. Its inputs (data, model, rules and its
 * own classes) are hashed into a stamp: when the file already holds that stamp, nothing is trained
 * again. It prints counts and timings only, never message text.
 */
final class HeadTrainer {
  private static final List<String> CODE =
      List.of(
          "HeadTraining.class",
          "LogisticRegression.class",
          "NeighbourVote.class",
          "SafetyHead.class",
          "SafetyModelTraining.class",
          "SentenceEmbedder.class",
          "Sentences.class",
          "WordPieceTokenizer.class");

  private HeadTrainer() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: HeadTrainer DATA_DIR OUTPUT_FILE CACHE_FILE");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path output = Path.of(args[1]);
    Path cacheFile = Path.of(args[2]);
    long start = System.nanoTime();
    SafetyModelTraining.Split split = SafetyModelTraining.split(data);
    try (SentenceEmbedder embedder = new SentenceEmbedder(1)) {
      String stamp = stamp(data, embedder.modelDigest());
      if (Files.isRegularFile(output) && Files.readString(output).contains("stamp " + stamp)) {
        System.out.println("safety head up to date (" + output.getFileName() + ")");
        return;
      }
      SafetyHead head = train(split.training(), embedder, cacheFile, stamp);
      Files.createDirectories(output.toAbsolutePath().getParent());
      Files.writeString(output, head.toText(), StandardCharsets.UTF_8);
      System.out.printf(
          Locale.ROOT,
          "safety head trained on %d messages (%d held out, unused) in %.1f s: %s%n",
          split.training().size(),
          split.heldOut().size(),
          (System.nanoTime() - start) / 1e9,
          head);
    }
  }

  static SafetyHead train(
      List<Example> training, SentenceEmbedder embedder, Path cacheFile, String stamp) {
    EmbeddingCache cache = new EmbeddingCache(cacheFile, embedder.modelDigest());
    SafetyModelTraining.Embedded x = SafetyModelTraining.embed(training, embedder, cache);
    cache.save();
    int[] rules = HeadTraining.rulesTiers(training, SafetyClassifiers.standard());
    return HeadTraining.train(training, x, rules, stamp);
  }

  /** {@return a digest of everything the head depends on} */
  static String stamp(Path data, String modelDigest) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(modelDigest.getBytes(StandardCharsets.UTF_8));
    for (String name :
        List.of(
            SafetyModelTraining.DEV_SET,
            SafetyModelTraining.OWN_SETS.get(0),
            SafetyModelTraining.OWN_SETS.get(1),
            SafetyModelTraining.HELD_OUT)) {
      all.writeBytes(Files.readAllBytes(data.resolve(name)));
    }
    for (String name : SafetyModelTraining.TRAINING_ONLY_SETS) {
      all.writeBytes(Files.readAllBytes(data.resolve(name)));
    }
    all.writeBytes(resource(SafetyClassifiers.class, "safety-rules.txt"));
    // The rules' tiers also depend on how a message is read before they match it.
    for (String name : List.of("ChatNormalizer.class", "PatternSafetyClassifier.class")) {
      all.writeBytes(resource(SafetyClassifiers.class, name));
    }
    for (String name : CODE) {
      all.writeBytes(resource(HeadTrainer.class, name));
    }
    return SentenceEmbedder.sha256(all.toByteArray()).substring(0, 32);
  }

  private static byte[] resource(Class<?> owner, String name) {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " beside " + owner);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
