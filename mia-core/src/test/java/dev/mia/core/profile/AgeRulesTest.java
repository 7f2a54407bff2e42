package dev.mia.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgeRulesTest {
  @TempDir Path dir;

  @Test
  void builtInFileLoads() {
    AgeRules rules = AgeRules.builtIn();
    assertTrue(!rules.current().isEmpty() && rules.measureWords().contains("minutes"));
  }

  @Test
  void wordListEntriesAreSeparatedByCommasAndMayBePhrases() {
    AgeRules rules = AgeRules.parse("[measure-words]\nlaps, in a row,\nmiles\n", "t");
    assertEquals(Set.of("laps", "in a row", "miles"), rules.measureWords());
  }

  @Test
  void patternWithoutAgeIsRejectedWithFileAndLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> AgeRules.parse("[current]\nre: i'm\n", "a.txt"));
    assertEquals("a.txt:2: the pattern must contain {AGE}: re: i'm", e.getMessage());
  }

  @Test
  void patternLineWithoutRePrefixIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AgeRules.parse("[future]\nturning {AGE}\n", "a.txt"));
    assertEquals("a.txt:2: expected 're: regex', got: turning {AGE}", e.getMessage());
  }

  @Test
  void unknownSectionIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AgeRules.parse("[ages]\n", "a.txt"));
    assertTrue(e.getMessage().startsWith("a.txt:1: unknown section [ages]"), e.getMessage());
  }

  @Test
  void ageMacroCannotBeRedefined() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> AgeRules.parse("@define AGE = x\n", "a.txt"));
    assertEquals("a.txt:1: {AGE} is built in and cannot be redefined", e.getMessage());
  }

  @Test
  void operatorFileAddsAPattern() throws IOException {
    Path extra = dir.resolve("ages.txt");
    Files.writeString(extra, "[current]\nre: \\bedad:?\\s*{AGE}\n");
    assertEquals(OptionalInt.of(13), Profiles.standardAgeDetector(extra).detect("edad: 13"));
  }

  @Test
  void operatorFileAddsAMeasureWord() throws IOException {
    Path extra = dir.resolve("ages.txt");
    Files.writeString(extra, "[measure-words]\nkph\n");
    assertEquals(OptionalInt.of(50), Profiles.standardAgeDetector().detect("I'm 50 kph over"));
    assertEquals(
        OptionalInt.empty(), Profiles.standardAgeDetector(extra).detect("I'm 50 kph over"));
  }

  @Test
  void missingOperatorFileThrowsIoException() {
    assertThrows(
        NoSuchFileException.class, () -> Profiles.standardAgeDetector(dir.resolve("no.txt")));
  }
}
