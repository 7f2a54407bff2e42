package dev.mia.core.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.CrisisResource;
import dev.mia.core.safety.CrisisResources;
import dev.mia.core.safety.SafetyTier;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SystemPromptsTest {
  private static final List<CrisisResource> ONE_LINE =
      List.of(new CrisisResource("Helpline", "Call 123", "Any time."));

  private final SystemPrompts markers = TestPrompts.markers();

  @Test
  void promptIsTheBaseThenTheModeLine() {
    assertEquals(
        "BASE\n\nMODE GREETING",
        markers.build(Mode.GREETING, OptionalInt.empty(), SafetyTier.NORMAL, ONE_LINE));
  }

  @Test
  void childAgeAddsTheChildLineWithTheAge() {
    assertEquals(
        "BASE\n\nMODE MIRROR_LEARNING\n\nCHILD 12",
        markers.build(Mode.MIRROR_LEARNING, OptionalInt.of(12), SafetyTier.NORMAL, ONE_LINE));
  }

  @Test
  void teenAgeAddsTheTeenLine() {
    assertEquals(
        "BASE\n\nMODE EDUCATIONAL\n\nTEEN 13",
        markers.build(Mode.EDUCATIONAL, OptionalInt.of(13), SafetyTier.NORMAL, ONE_LINE));
  }

  @Test
  void adultAgeAddsTheAdultLine() {
    assertEquals(
        "BASE\n\nMODE EDUCATIONAL\n\nADULT 18",
        markers.build(Mode.EDUCATIONAL, OptionalInt.of(18), SafetyTier.NORMAL, ONE_LINE));
  }

  @Test
  void tierTwoAddsTheSafetyLineWithTheResources() {
    assertEquals(
        "BASE\n\nMODE GREETING\n\nSAFETY2 [- Helpline: Call 123. Any time.]",
        markers.build(Mode.GREETING, OptionalInt.empty(), SafetyTier.MODERATE, ONE_LINE));
  }

  @Test
  void tierThreeAddsTheCrisisLineAfterTheAge() {
    assertEquals(
        "BASE\n\nMODE GREETING\n\nCHILD 9\n\nSAFETY3 [- Helpline: Call 123. Any time.]",
        markers.build(Mode.GREETING, OptionalInt.of(9), SafetyTier.CRITICAL, ONE_LINE));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void shippedPromptsHaveALineForEveryMode(Mode mode) {
    String base =
        SystemPrompts.defaults()
            .build(Mode.GREETING, OptionalInt.empty(), SafetyTier.NORMAL, List.of());
    String prompt =
        SystemPrompts.defaults().build(mode, OptionalInt.empty(), SafetyTier.NORMAL, List.of());

    assertTrue(prompt.startsWith(base.substring(0, base.indexOf("\n\n"))));
    assertTrue(prompt.length() > base.indexOf("\n\n") + 2, prompt);
    assertFalse(prompt.contains("null"), prompt);
  }

  @Test
  void shippedPromptsIntroduceMia() {
    String prompt =
        SystemPrompts.defaults()
            .build(Mode.GREETING, OptionalInt.empty(), SafetyTier.NORMAL, List.of());

    assertTrue(prompt.startsWith("You are Mia"), prompt);
  }

  @Test
  void shippedCrisisPromptListsTheResourcesAndLeavesNoPlaceholder() {
    String prompt =
        SystemPrompts.defaults()
            .build(
                Mode.GREETING,
                OptionalInt.empty(),
                SafetyTier.CRITICAL,
                CrisisResources.unitedStates());

    assertTrue(prompt.contains("Call or text 988"), prompt);
    assertFalse(prompt.contains("{resources}"), prompt);
  }

  @Test
  void shippedAgePromptLeavesNoPlaceholder() {
    String prompt =
        SystemPrompts.defaults()
            .build(Mode.MIRROR_LEARNING, OptionalInt.of(10), SafetyTier.NORMAL, List.of());

    assertTrue(prompt.contains("10"), prompt);
    assertFalse(prompt.contains("{age}"), prompt);
  }

  @Test
  void fileWithoutEveryKeyIsRefusedNamingTheMissingKeys() {
    Path file = TestPrompts.write(TestPrompts.MARKERS.replace("age.teen=TEEN {age}", ""));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SystemPrompts.load(file));

    assertEquals(file + " lacks the keys [age.teen]", e.getMessage());
  }

  @Test
  void missingFileIsReportedAsUnreadable() {
    Path missing = Path.of("/nonexistent/mia-prompts.properties");

    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> SystemPrompts.load(missing));

    assertEquals("cannot read prompts file " + missing, e.getMessage());
  }
}
