package dev.mia.core.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.safety.SafetyTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuidedExercisesTest {
  private final GuidedExercises exercises = GuidedExercises.defaults();

  private List<String> ids(String message, SafetyTier tier) {
    return exercises.suggestedFor(message, tier).stream().map(GuidedExercise::id).toList();
  }

  @Test
  void theBuiltInSetOffersBreathingAndGrounding() {
    assertTrue(exercises.byId("ex_breathing").isPresent());
    assertTrue(exercises.byId("ex_grounding").isPresent());
  }

  @Test
  void anAnxiousMessageIsOfferedBreathing() {
    assertTrue(ids("I'm so anxious about tomorrow", SafetyTier.NORMAL).contains("ex_breathing"));
  }

  @Test
  void aPanicMessageInChatSpellingIsOfferedBreathingAndGrounding() {
    List<String> offered = ids("having a PANIC ATTACK rn i cant breathe", SafetyTier.NORMAL);

    assertTrue(offered.containsAll(List.of("ex_breathing", "ex_grounding")), offered.toString());
  }

  @Test
  void aCrisisIsOfferedTheCrisisExercisesWhateverItSays() {
    assertEquals(
        List.of("ex_breathing", "ex_grounding"),
        ids("i dont want to be here anymore", SafetyTier.CRITICAL));
  }

  @Test
  void aCalmMessageIsOfferedNothing() {
    assertEquals(List.of(), ids("what should I cook tonight?", SafetyTier.NORMAL));
  }

  @Test
  void aCueMustBeAWholeWord() {
    assertEquals(List.of(), ids("the company is expanding", SafetyTier.NORMAL));
  }

  @Test
  void aCompletionButtonNamesItsExercise() {
    GuidedExercise breathing = exercises.byId("ex_breathing").orElseThrow();

    assertEquals("ex_breathing_complete", breathing.completionId());
    assertEquals(breathing, exercises.byCompletionId("ex_breathing_complete").orElseThrow());
    assertTrue(exercises.byCompletionId("ex_breathing").isEmpty());
  }

  @Test
  void anOperatorsFileReplacesTheSet(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("exercises.json");
    Files.writeString(
        file,
        "[{\"id\":\"ex_walk\",\"label\":\"Walk\",\"instruction\":\"Walk slowly.\","
            + "\"completeLabel\":\"Done\",\"achievement\":\"Took a mindful walk\","
            + "\"therapeuticValue\":0.3,\"cues\":[\"restless\"]}]");

    GuidedExercises own = GuidedExercises.load(file);

    assertEquals(List.of("ex_walk"), own.all().stream().map(GuidedExercise::id).toList());
    assertEquals(
        List.of("ex_walk"),
        own.suggestedFor("so restless today", SafetyTier.NORMAL).stream()
            .map(GuidedExercise::id)
            .toList());
  }

  @Test
  void aFileWithABadExerciseIsRefusedNamingTheFileAndTheField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("exercises.json");
    Files.writeString(file, "[{\"id\":\"ex_walk\",\"label\":\"Walk\"}]");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GuidedExercises.load(file));

    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("\"instruction\""), e.getMessage());
  }

  @Test
  void twoExercisesMayNotShareAnId(@TempDir Path dir) throws Exception {
    String one =
        "{\"id\":\"ex_a\",\"label\":\"A\",\"instruction\":\"Do A.\",\"completeLabel\":\"Done\","
            + "\"achievement\":\"Did A\",\"therapeuticValue\":0.1,\"cues\":[]}";
    Path file = dir.resolve("exercises.json");
    Files.writeString(file, "[" + one + "," + one + "]");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GuidedExercises.load(file));

    assertTrue(e.getMessage().contains("two exercises share the id ex_a"), e.getMessage());
  }
}
