package dev.mia.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The original server's four age patterns, kept for comparison: their behaviour, flaws included.
 */
class OriginalAgeDetectorTest {
  private final AgeDetector original = Profiles.originalAgeDetector();

  @Test
  void imWithNumberGivesTheAge() {
    assertEquals(OptionalInt.of(15), original.detect("I'm 15"));
  }

  @Test
  void iAmWithYearsOldGivesTheAge() {
    assertEquals(OptionalInt.of(15), original.detect("I am 15 years old"));
  }

  @Test
  void yearsOldAloneGivesTheAge() {
    assertEquals(OptionalInt.of(15), original.detect("15 years old and bored"));
  }

  @Test
  void ageIsGivesTheAge() {
    assertEquals(OptionalInt.of(15), original.detect("my age is 15"));
  }

  @Test
  void ageWithoutIsGivesTheAge() {
    assertEquals(OptionalInt.of(15), original.detect("age 15"));
  }

  @Test
  void turningGivesTheAge() {
    assertEquals(OptionalInt.of(15), original.detect("turning 15 soon"));
  }

  @Test
  void matchingIgnoresCase() {
    assertEquals(OptionalInt.of(10), original.detect("HI, I'M 10 YEARS OLD"));
  }

  @Test
  void aDurationIsReadAsAnAgeByTheOriginal() {
    assertEquals(OptionalInt.of(5), original.detect("I'm 5 minutes away"));
  }

  @Test
  void someoneElsesAgeIsReadAsTheWritersByTheOriginal() {
    assertEquals(OptionalInt.of(8), original.detect("my brother is 8 years old"));
  }

  @Test
  void aNumberOutsideFiveToAHundredGivesNoAge() {
    assertEquals(OptionalInt.empty(), original.detect("I'm 3"));
  }

  @Test
  void aCurlyApostropheIsMissedByTheOriginal() {
    assertEquals(OptionalInt.empty(), original.detect("I’m 15"));
  }

  @Test
  void numberWordsAreMissedByTheOriginal() {
    assertEquals(OptionalInt.empty(), original.detect("I'm fourteen"));
  }

  @Test
  void messageWithoutAnAgeGivesNone() {
    assertEquals(OptionalInt.empty(), original.detect("hello"));
  }
}
