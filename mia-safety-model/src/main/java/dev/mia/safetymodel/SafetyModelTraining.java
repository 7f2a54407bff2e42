package dev.mia.safetymodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mia.core.safety.SafetyClassifiers;
import dev.mia.core.safety.SafetyTier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The labelled data the model learns from, its held-out part, and cross-validation, for the
 * evaluator and the build-time trainer. Nothing here runs in a server.
 *
 * <p>The data folder ({@code mia-safety-model/data}) holds {@code dev.jsonl} (the shared dev set),
 * {@code setA.jsonl} and {@code setB.jsonl} (our own 1,800 messages), {@code heldout.txt}, the ids
 * of the fifth of those that is never used to fit, tune or write rules, and the sets written later
 * (training only): see {@code data/README.md}.
 */
public final class SafetyModelTraining {
  /** The seed of the held-out split; fixed once, never changed. */
  static final long SPLIT_SEED = 20_240_611L;

  /** The share of each (tier, category) stratum of our own sets that is held out. */
  static final double HELD_OUT_SHARE = 0.2;

  static final List<String> OWN_SETS = List.of("setA.jsonl", "setB.jsonl");

  /**
   * Sets written later, training data only, so the held-out part of {@link #OWN_SETS} stays what it
   * was: those aimed at the categories the model missed most, then the evaluation batches D to AC,
   * each scored as unseen data before it was trained on.
   */
  static final List<String> TRAINING_ONLY_SETS =
      List.of(
          "setC.jsonl",
          "setE.jsonl",
          "setG.jsonl",
          "setI.jsonl",
          "setK.jsonl",
          "batchD.jsonl",
          "batchF.jsonl",
          "batchH.jsonl",
          "batchJ.jsonl",
          "batchK.jsonl",
          "batchL.jsonl",
          "batchM.jsonl",
          "batchN.jsonl",
          "batchO.jsonl",
          "batchQ.jsonl",
          "batchS.jsonl",
          "batchT.jsonl",
          "batchU.jsonl",
          "batchV.jsonl",
          "batchW.jsonl",
          "batchX.jsonl",
          "batchY.jsonl",
          "batchZ.jsonl",
          "batchAA.jsonl",
          "batchAB.jsonl",
          "batchAC.jsonl");

  static final String DEV_SET = "dev.jsonl";
  static final String HELD_OUT = "heldout.txt";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@return the names of the labelled files in the data folder, the dev set first} */
  public static List<String> labelledFiles() {
    List<String> names = new ArrayList<>();
    names.add(DEV_SET);
    names.addAll(OWN_SETS);
    names.addAll(TRAINING_ONLY_SETS);
    return List.copyOf(names);
  }

  private SafetyModelTraining() {}

  /**
   * One labelled message.
   *
   * @param id its unique id
   * @param text the message as typed
   * @param tier its label
   * @param category what kind of message it is, e.g. {@code passive_wish}; {@code dev} for the dev
   *     set, which has no categories
   */
  public record Example(String id, String text, SafetyTier tier, String category) {
    /** Checks every field is present. */
    public Example {
      Objects.requireNonNull(id, "id == null");
      Objects.requireNonNull(text, "text == null");
      Objects.requireNonNull(tier, "tier == null");
      Objects.requireNonNull(category, "category == null");
    }
  }

  /**
   * The data split in two.
   *
   * @param training the dev set and our own sets less the held-out part, in file order
   * @param heldOut the held-out part of our own sets, in file order
   */
  public record Split(List<Example> training, List<Example> heldOut) {
    /** Copies both lists. */
    public Split {
      training = List.copyOf(training);
      heldOut = List.copyOf(heldOut);
    }
  }

  /**
   * {@return the training data and the held-out part of {@code dataDir}}
   *
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if a line is malformed, or {@code heldout.txt} names an id
   *     that is not in our own sets
   */
  public static Split split(Path dataDir) throws IOException {
    Objects.requireNonNull(dataDir, "dataDir == null");
    List<Example> own = new ArrayList<>();
    for (String name : OWN_SETS) {
      own.addAll(read(dataDir.resolve(name)));
    }
    Set<String> heldOutIds = readIds(dataDir.resolve(HELD_OUT));
    List<Example> training = new ArrayList<>(read(dataDir.resolve(DEV_SET)));
    List<Example> heldOut = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Example example : own) {
      seen.add(example.id());
      (heldOutIds.contains(example.id()) ? heldOut : training).add(example);
    }
    for (String id : heldOutIds) {
      if (!seen.contains(id)) {
        throw new IllegalArgumentException(HELD_OUT + " names " + id + ", not in our own sets");
      }
    }
    // A later set's message whose text an earlier file already has is left out: twice in the
    // training data it would count double, and a held-out text would leak into training.
    Set<String> texts = new HashSet<>();
    training.forEach(example -> texts.add(sameText(example.text())));
    heldOut.forEach(example -> texts.add(sameText(example.text())));
    for (String name : TRAINING_ONLY_SETS) {
      for (Example example : read(dataDir.resolve(name))) {
        if (!seen.add(example.id())) {
          throw new IllegalArgumentException(name + " repeats the id " + example.id());
        }
        if (texts.add(sameText(example.text()))) {
          training.add(example);
        }
      }
    }
    return new Split(training, heldOut);
  }

  /** {@return the text as compared for repeats: trimmed, lower case, runs of spaces as one} */
  static String sameText(String text) {
    return text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
  }

  /**
   * {@return the examples of a JSON Lines file}: {@code id}, {@code text}, {@code tier} and an
   * optional {@code category} ({@code dev} when absent); other fields are ignored
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the file and line of the first bad line
   */
  public static List<Example> read(Path jsonl) throws IOException {
    List<Example> examples = new ArrayList<>();
    List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String where = jsonl.getFileName() + ":" + (i + 1);
      JsonNode node;
      try {
        node = JSON.readTree(lines.get(i));
      } catch (IOException e) {
        throw new IllegalArgumentException(where + ": not JSON", e);
      }
      JsonNode id = node.path("id");
      JsonNode text = node.path("text");
      JsonNode tier = node.path("tier");
      if (!id.isTextual() || !text.isTextual() || !tier.isInt()) {
        throw new IllegalArgumentException(where + ": needs string id and text and an int tier");
      }
      JsonNode category = node.path("category");
      examples.add(
          new Example(
              id.asText(),
              text.asText(),
              SafetyTier.ofLevel(tier.asInt()),
              category.isTextual() ? category.asText() : "dev"));
    }
    return examples;
  }

  /**
   * {@return each example's model tier from a head trained without its fold}, in example order:
   * nested {@code folds}-fold cross-validation, where each fold's head has its thresholds chosen by
   * an inner cross-validation on the other folds, exactly as the shipped head is trained. It embeds
   * every text (cached in {@code cacheFile} if given) and trains {@code folds * 6} regressions:
   * tens of seconds.
   *
   * @param cacheFile where to keep embeddings between runs, e.g. under {@code target/}; null for
   *     none
   */
  public static List<SafetyTier> crossValidate(List<Example> examples, int folds, Path cacheFile) {
    Objects.requireNonNull(examples, "examples == null");
    if (folds < 2 || folds > examples.size()) {
      throw new IllegalArgumentException("folds must be from 2 to the number of examples");
    }
    try (SentenceEmbedder embedder = new SentenceEmbedder(1)) {
      EmbeddingCache cache = new EmbeddingCache(cacheFile, embedder.modelDigest());
      Embedded x = embed(examples, embedder, cache);
      cache.save();
      int[] rules = HeadTraining.rulesTiers(examples, SafetyClassifiers.standard());
      return HeadTraining.crossValidate(examples, x, rules, folds, HeadTraining.FOLD_SEED);
    }
  }

  /**
   * The examples embedded.
   *
   * @param whole each example's vector (its first window: training texts have one), which the head
   *     is fitted on
   * @param pieces each example's windows and sentences as the classifier judges them at run time
   *     ({@link SentenceEmbedder#embedPieces}), for choosing thresholds and scoring
   */
  record Embedded(double[][] whole, double[][][] pieces) {}

  /** {@return the examples embedded, each text through {@code cache}} */
  static Embedded embed(List<Example> examples, SentenceEmbedder embedder, EmbeddingCache cache) {
    double[][] whole = new double[examples.size()][];
    double[][][] pieces = new double[examples.size()][][];
    for (int i = 0; i < whole.length; i++) {
      String text = examples.get(i).text();
      List<double[]> parts = new ArrayList<>();
      for (float[] window : cache.embed(embedder, text)) {
        parts.add(widened(window));
      }
      for (String sentence : Sentences.of(text)) {
        parts.add(widened(cache.embed(embedder, sentence)[0]));
      }
      whole[i] = parts.get(0);
      pieces[i] = parts.toArray(new double[0][]);
    }
    return new Embedded(whole, pieces);
  }

  private static double[] widened(float[] vector) {
    double[] out = new double[vector.length];
    for (int d = 0; d < vector.length; d++) {
      out[d] = vector[d];
    }
    return out;
  }

  /**
   * Chooses the held-out ids: our own messages grouped by (tier, category), each group in id order,
   * shuffled by one {@link Random} with {@link #SPLIT_SEED} taken group by group in name order, and
   * the first {@code round(0.2 n)} of each group held out. {@link Random} and {@link
   * Collections#shuffle(List, Random)} are specified exactly, so any JVM gives the same ids.
   */
  static Set<String> chooseHeldOut(List<Example> own) {
    Map<String, List<Example>> strata = new TreeMap<>();
    for (Example example : own) {
      strata
          .computeIfAbsent(
              example.tier().level() + ":" + example.category(), k -> new ArrayList<>())
          .add(example);
    }
    Random random = new Random(SPLIT_SEED);
    Set<String> heldOut = new TreeSet<>();
    for (List<Example> stratum : strata.values()) {
      List<Example> shuffled = new ArrayList<>(stratum);
      shuffled.sort((a, b) -> a.id().compareTo(b.id()));
      Collections.shuffle(shuffled, random);
      long take = Math.round(HELD_OUT_SHARE * shuffled.size());
      for (int i = 0; i < take; i++) {
        heldOut.add(shuffled.get(i).id());
      }
    }
    return heldOut;
  }

  static Set<String> readIds(Path file) throws IOException {
    Set<String> ids = new TreeSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String id = line.strip();
      if (!id.isEmpty() && !id.startsWith("#")) {
        ids.add(id);
      }
    }
    return ids;
  }

  /**
   * Writes {@code data/heldout.txt} from {@code setA.jsonl} and {@code setB.jsonl}; run once when
   * the data was added. {@code HeldOutSplitTest} checks the file is what this writes.
   */
  static String heldOutFile(Path dataDir) {
    try {
      List<Example> own = new ArrayList<>();
      for (String name : OWN_SETS) {
        own.addAll(read(dataDir.resolve(name)));
      }
      StringBuilder out = new StringBuilder();
      out.append(
              "# The held-out part of our own sets (setA.jsonl, setB.jsonl): never used to fit\n")
          .append("# the model, choose its thresholds or write rules; scored once, at the end.\n")
          .append("# Written by SafetyModelTraining.heldOutFile: 20% of each (tier, category)\n")
          .append("# stratum, seed ")
          .append(SPLIT_SEED)
          .append(". Do not edit.\n");
      for (String id : chooseHeldOut(own)) {
        out.append(id).append('\n');
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
