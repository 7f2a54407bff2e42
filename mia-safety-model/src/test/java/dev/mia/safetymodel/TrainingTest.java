package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.safety.SafetyTier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The data split, and that the shipped head is exactly what training gives. */
class TrainingTest {
  private static final Path DATA = Path.of("data");

  @Test
  void heldOutFileIsWhatTheSplitWrites() throws IOException {
    assertEquals(
        SafetyModelTraining.heldOutFile(DATA),
        Files.readString(DATA.resolve(SafetyModelTraining.HELD_OUT)));
  }

  @Test
  void aboutAFifthOfEveryStratumIsHeldOutAndNoneIsTrainedOn() throws IOException {
    SafetyModelTraining.Split split = SafetyModelTraining.split(DATA);
    Set<String> training = new HashSet<>();
    split.training().forEach(e -> training.add(e.id()));
    Map<String, int[]> strata = new TreeMap<>();
    for (SafetyModelTraining.Example e : split.heldOut()) {
      assertTrue(!training.contains(e.id()) && !e.id().startsWith("dev-"), e.id());
      strata.computeIfAbsent(e.tier() + e.category(), k -> new int[2])[0]++;
    }
    int trainingOnly = 0;
    for (SafetyModelTraining.Example e : split.training()) {
      if (e.id().matches("[CEGIDFHJKLMNOQSTUVWXYZ]-.*|K2-.*|A[ABC]-.*")) {
        trainingOnly++;
      } else if (!e.id().startsWith("dev-")) {
        strata.computeIfAbsent(e.tier() + e.category(), k -> new int[2])[1]++;
      }
    }
    assertEquals(2040, split.training().size() - trainingOnly + split.heldOut().size());
    strata.forEach(
        (name, counts) ->
            assertEquals(Math.round(0.2 * (counts[0] + counts[1])), counts[0], "stratum " + name));
  }

  @Test
  void theLaterSetsAreTrainingDataButForTextsAnEarlierFileHas() throws IOException {
    SafetyModelTraining.Split split = SafetyModelTraining.split(DATA);
    Set<String> training = new HashSet<>();
    split.training().forEach(e -> training.add(e.id()));
    Set<String> earlierTexts = new HashSet<>();
    for (String name : List.of("dev.jsonl", "setA.jsonl", "setB.jsonl")) {
      SafetyModelTraining.read(DATA.resolve(name))
          .forEach(e -> earlierTexts.add(SafetyModelTraining.sameText(e.text())));
    }
    int kept = 0;
    int repeats = 0;
    for (String name : SafetyModelTraining.TRAINING_ONLY_SETS) {
      for (SafetyModelTraining.Example e : SafetyModelTraining.read(DATA.resolve(name))) {
        boolean first = earlierTexts.add(SafetyModelTraining.sameText(e.text()));
        assertEquals(first, training.contains(e.id()), e.id());
        if (first) {
          kept++;
        } else {
          repeats++;
        }
      }
    }
    // setC, E, G, I and K were written without repeats; batches D to M, written as evaluation
    // sets, repeat 47 short texts of earlier files between them; N to Z (repeats of the files of
    // their day dropped when they arrived) 3 more, AA to AC 1 more.
    assertEquals(
        593 + 590 + 581 + 590 + 595 + 7 * 300 - 47 + 287 + 297 + 294 + 292 + 296 + 295 - 2 + 284
            + 297 + 289 + 295 + 298 - 1 + 284 + 279 + 295 - 1,
        kept);
    assertEquals(51, repeats);
    split.heldOut().forEach(e -> assertTrue(e.id().matches("[ab]-.*"), e.id()));
  }

  @Test
  void aMessageOfALaterSetRepeatingAHeldOutTextIsNotTrainedOn() throws IOException {
    SafetyModelTraining.Split split = SafetyModelTraining.split(DATA);
    Set<String> heldOutTexts = new HashSet<>();
    split.heldOut().forEach(e -> heldOutTexts.add(SafetyModelTraining.sameText(e.text())));

    split
        .training()
        .forEach(
            e ->
                assertTrue(
                    e.id().matches("dev-.*|[ab]-.*")
                        || !heldOutTexts.contains(SafetyModelTraining.sameText(e.text())),
                    e.id()));
  }

  @Test
  void theShippedHeadWasTrainedFromTheCurrentInputs() throws IOException {
    try (SentenceEmbedder embedder = new SentenceEmbedder(1)) {
      assertEquals(HeadTrainer.stamp(DATA, embedder.modelDigest()), SafetyHead.load().stamp());
    }
  }

  @Test
  void retrainingReproducesTheShippedHeadExactly() throws IOException {
    SafetyHead shipped = SafetyHead.load();
    try (SentenceEmbedder embedder = new SentenceEmbedder(1)) {
      SafetyHead again =
          HeadTrainer.train(
              SafetyModelTraining.split(DATA).training(),
              embedder,
              Path.of("target/embedding-cache/training.bin"),
              shipped.stamp());
      assertEquals(shipped.toText(), again.toText());
    }
  }

  @Test
  void theHeadSurvivesItsTextFormExactly() throws IOException {
    SafetyHead shipped = SafetyHead.load();
    SafetyHead read = SafetyHead.parse(new BufferedReader(new StringReader(shipped.toText())));
    assertEquals(shipped.toText(), read.toText());
  }

  @Test
  void theDecisionLeansToTierThreeBetweenTwoAndThree() {
    double[] close = {0.1, 0.5, 0.4};
    assertEquals(SafetyTier.CRITICAL, SafetyHead.decide(close, 0.9, 0.3));
    assertEquals(SafetyTier.MODERATE, SafetyHead.decide(close, 0.9, 0.5));
    assertEquals(SafetyTier.NORMAL, SafetyHead.decide(new double[] {0.2, 0.5, 0.3}, 0.9, 0.3));
  }
}
