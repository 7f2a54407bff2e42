package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyTier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real model and head, as {@link SafetyModels#standard()} builds them. */
class SafetyModelsTest {
  private static SafetyModelClassifier classifier;

  @BeforeAll
  static void build() {
    classifier = SafetyModels.standard();
  }

  @AfterAll
  static void close() {
    classifier.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i have pills",
        "I have a rope",
        "i have a blade",
        "got a razor blade in my drawer",
        "i bought a rope",
        "I have a bottle of my mom's pills in my room",
        "i've been saving pills"
      })
  void aBareMeansIsAtLeastTierTwo(String message) {
    assertTrue(classifier.assess(message).tier().level() >= 2, message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "i take vitamin pills every morning",
        "my doctor prescribed me pills for my acne",
        "i have allergy medicine pills",
        "i have a jump rope for gym",
        "i got a new blade for my ice skates",
        "i have pills my doctor prescribed for my migraines"
      })
  void aMeansInBenignContextStaysTierOne(String message) {
    assertEquals(SafetyTier.NORMAL, classifier.assess(message).tier(), message);
  }

  @Test
  void anyTextGetsAnAssessment() {
    String emoji = "😭🔪💊⚰️ ".repeat(50);
    String huge = "this is a long day at school and nothing happened. ".repeat(20_000);
    for (String text : List.of("", " ", "\u0000\u200b", emoji, huge, "漢字", "a".repeat(500))) {
      SafetyAssessment assessment = classifier.assess(text);
      assertNotNull(assessment);
    }
  }

  @Test
  void aCrisisAtTheStartOfAHugeMessageIsFound() {
    String text = "i want to die tonight. " + "lots of words about school. ".repeat(5_000);
    assertEquals(SafetyTier.CRITICAL, classifier.assess(text).tier());
  }

  @Test
  void concurrentUseGivesTheSameAnswersAsOneAtATime() throws Exception {
    List<String> messages =
        List.of(
            "i have pills",
            "what a lovely day",
            "i don't see the point of anything anymore",
            "my dad hits me when he's drunk",
            "the homework is killing me",
            "i haven't eaten in three days on purpose");
    List<SafetyAssessment> sequential = new ArrayList<>();
    for (String message : messages) {
      sequential.add(classifier.assess(message));
    }
    ExecutorService callers = Executors.newFixedThreadPool(6);
    try (SafetyModelClassifier twoThreads =
        SafetyModels.builder().threads(2).queueCapacity(1_000).build()) {
      List<Future<SafetyAssessment>> answers = new ArrayList<>();
      for (int round = 0; round < 20; round++) {
        for (String message : messages) {
          answers.add(callers.submit(() -> twoThreads.assess(message)));
        }
      }
      for (int i = 0; i < answers.size(); i++) {
        assertEquals(sequential.get(i % messages.size()), answers.get(i).get(30, TimeUnit.SECONDS));
      }
      assertEquals(0, twoThreads.fallbacks());
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void badSettingsAreRejectedWithTheirRange() {
    IllegalArgumentException threads =
        assertThrows(IllegalArgumentException.class, () -> SafetyModels.builder().threads(0));
    assertEquals("threads must be from 1 to 8, was 0", threads.getMessage());
    IllegalArgumentException intra =
        assertThrows(
            IllegalArgumentException.class, () -> SafetyModels.builder().intraOpThreads(3));
    assertEquals("intraOpThreads must be 1 or 2, was 3", intra.getMessage());
    IllegalArgumentException queue =
        assertThrows(IllegalArgumentException.class, () -> SafetyModels.builder().queueCapacity(0));
    assertEquals("queueCapacity must be from 1 to 10000, was 0", queue.getMessage());
  }
}
