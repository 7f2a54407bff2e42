package dev.mia.core.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WholeWordsTest {
  @Test
  void aPhraseBetweenSpacesAndPunctuationIsFound() {
    assertTrue(WholeWords.contains("i feel anxious, again", "anxious"));
  }

  @Test
  void aPhraseInsideALongerWordIsNot() {
    assertFalse(WholeWords.contains("a panicky cat", "panic"));
  }

  @Test
  void aLaterWholeOccurrenceIsFoundAfterAnEarlierPartOne() {
    assertTrue(WholeWords.contains("panicky then panic", "panic"));
  }

  @Test
  void underscoresAndDigitsJoinWordsAsInRegularExpressions() {
    assertFalse(WholeWords.contains("panic_mode", "panic"));
    assertFalse(WholeWords.contains("panic2", "panic"));
  }

  @Test
  void answersAsTheRegularExpressionDoesOnGeneratedTexts() {
    String alphabet = "abcpanixety _-'.,!?19\u00e9\u0301\u00df";
    String[] phrases = {"panic", "panic attack", "can't breathe", "a", "x_", "'s", "", "\u0301"};
    Random random = new Random(20261206);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(24); i > 0; i--) {
        text.append(
            random.nextInt(6) == 0
                ? phrases[random.nextInt(phrases.length)]
                : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
      }
      if (random.nextInt(20) == 0) {
        text.append("\ud83d\ude00");
      }
      String phrase =
          random.nextBoolean()
              ? phrases[random.nextInt(phrases.length)]
              : text.substring(0, random.nextInt(Math.max(1, text.length())));
      boolean expected =
          Pattern.compile("\\b" + Pattern.quote(phrase) + "\\b").matcher(text).find();

      assertEquals(
          expected,
          WholeWords.contains(text.toString(), phrase),
          () -> "\"" + phrase + "\" in \"" + text + "\"");
    }
  }
}
