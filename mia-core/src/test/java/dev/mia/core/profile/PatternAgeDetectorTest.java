package dev.mia.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The default age detector, on our own wording (the dev set is scored by DevSetTargetsTest). */
class PatternAgeDetectorTest {
  private final AgeDetector detector = Profiles.standardAgeDetector();

  private OptionalInt age(String message) {
    return detector.detect(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "I'm 14 and i love cats | 14",
        "im 12 lol | 12",
        "I’m 15, hi | 15",
        "I am 10 years old | 10",
        "im 8 yrs old | 8",
        "I'm a 16 year old girl | 16",
        "I'm an 18-year-old guy | 18",
        "i'm only 11 | 11",
        "I’m 60 and retired | 60",
        "hi mia, i'm 9! | 9",
        "ok so I'm 13 and my friend is 14 | 13"
      })
  void statedAgeIsFound(String message, int expected) {
    assertEquals(OptionalInt.of(expected), age(message));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "I'm fourteen and bored | 14",
        "i'm twenty-one and work retail | 21",
        "im twenty one lol | 21",
        "I'm a twelve-year-old girl | 12",
        "Sixteen year old here, need help | 16",
        "I am one hundred years old today | 100"
      })
  void agesWrittenAsWordsAreFound(String message, int expected) {
    assertEquals(OptionalInt.of(expected), age(message));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "hi!! 11 yo here | 11",
        "12yo, what should i read | 12",
        "i'm 12y/o | 12",
        "16/m looking for advice | 16",
        "bored. 15f | 15",
        "17 yrs old, idk what to do | 17",
        "I'm 19yrs | 19"
      })
  void compactAgeFormsAreFound(String message, int expected) {
    assertEquals(OptionalInt.of(expected), age(message));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Age - 13 | 13",
        "age: 14, likes: drawing | 14",
        "name: sam, age: 11 | 11",
        "my age is twelve | 12",
        "me (14) and my brother (9) are bored | 14"
      })
  void profileStyleAgesAreFound(String message, int expected) {
    assertEquals(OptionalInt.of(expected), age(message));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "I'm 9 and a half | 9",
        "I'm 13 and 3/4 | 13",
        "I'm 13 (almost 14) | 13",
        "im 15 turning 16 in may | 15",
        "I was 12 when my parents split, now I'm 16 | 16",
        "my cat is 12 years old and I'm 15 | 15"
      })
  void theCurrentAgeWins(String message, int expected) {
    assertEquals(OptionalInt.of(expected), age(message));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "i turned 13 in march | 13",
        "just turned 10!! | 10",
        "turning 16 tomorrow!! | 16",
        "im going to be 15 next month | 15",
        "i turn 12 on friday | 12",
        "I'll be 14 in june | 14"
      })
  void turnedAndTurningGiveTheAge(String message, int expected) {
    assertEquals(OptionalInt.of(expected), age(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I'm 25 mins away",
        "i'm 2 hours from home",
        "I'm 4 foot 11",
        "I'm 5'4 and tall for my class",
        "I'm 17 weeks pregnant",
        "I'm 90% done with my essay",
        "I'm 100 percent sure",
        "I'm 1 year sober today",
        "I'm 12 years into teaching",
        "I'm 2 years older than my sister",
        "I'm 3 classes behind",
        "I'm 50 shades of tired",
        "I'm 7 levels deep into this game",
        "I'm 14.5 km from home",
        "i'm 10 to 15 minutes late"
      })
  void measuresAndDurationsAreNotAges(String message) {
    assertEquals(OptionalInt.empty(), age(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I'm 3rd in my class",
        "I'm 13th in line",
        "I'm 1 of 4 kids",
        "I'm 2 for 2 today",
        "I'm 5 in line at the store",
        "I'm on level 12",
        "i'm in year 9",
        "I'm in 7th grade",
        "I got 14 likes on my post",
        "i scored 98 on my test",
        "my birthday is june 14",
        "room 204 is so cold"
      })
  void positionsCountsAndGradesAreNotAges(String message) {
    assertEquals(OptionalInt.empty(), age(message));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "My son is 14 and I'm worried about him",
        "my little brother just turned 5",
        "he's turning 12",
        "my dog is 9 years old",
        "our cat turns 10 tomorrow",
        "my grandma's age is 80",
        "the drinking age is 21",
        "the game is for ages 10 and up",
        "it's rated 13 and up",
        "we moved here when i was eight",
        "at age 13 i changed schools"
      })
  void otherPeoplesPetsRatingsAndPastAgesAreNotTheWriters(String message) {
    assertEquals(OptionalInt.empty(), age(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"I'm 3", "I'm 4 years old", "I'm 101 years old", "I'm 0"})
  void agesOutsideFiveToAHundredAreNotReported(String message) {
    assertEquals(OptionalInt.empty(), age(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "hello", "🎉🎉🎉", "999999999999999999999"})
  void messagesWithoutAnAgeGiveNone(String message) {
    assertEquals(OptionalInt.empty(), age(message));
  }

  @Test
  void nullMessageIsRejected() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> age(null));
    assertEquals("message == null", e.getMessage());
  }

  @Test
  void standardIsOneSharedInstance() {
    assertSame(Profiles.standardAgeDetector(), Profiles.standardAgeDetector());
  }

  @Test
  void numberWordsBecomeDigits() {
    assertEquals(
        "i'm 14, she's 21, he's 100",
        PatternAgeDetector.numberWordsToDigits("i'm fourteen, she's twenty-one, he's a hundred"));
  }
}
