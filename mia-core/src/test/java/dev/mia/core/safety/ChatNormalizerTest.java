package dev.mia.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChatNormalizerTest {
  private final ChatNormalizer normalizer =
      new ChatNormalizer(
          Set.of("die", "suicide", "kill", "myself", "dead"),
          Map.of("wanna", "want to", "im", "i'm", "kms", "kill myself"));

  @Test
  void lowerCasesAndStraightensQuotes() {
    assertEquals("i'm \"fine\"", normalizer.normalize("I’M “FINE”"));
  }

  @Test
  void foldsCompatibilityFormsAndDropsAccents() {
    assertEquals("suicide cafe", normalizer.normalize("ｓｕｉｃｉｄｅ café"));
  }

  @Test
  void removesInvisibleCharacters() {
    assertEquals("kill", normalizer.normalize("ki\u200bll"));
  }

  @Test
  void collapsesWhitespace() {
    assertEquals("a b c", normalizer.normalize("  a \n\t b   c "));
  }

  @Test
  void cutsLongRepeatsToTwoLetters() {
    assertEquals("soo", normalizer.normalize("soooooo"));
  }

  @Test
  void restoresAStretchedVocabularyWord() {
    assertEquals("i die", normalizer.normalize("i dieeeeee"));
  }

  @Test
  void leavesOrdinaryDoubleLettersAlone() {
    assertEquals("good sleep too", normalizer.normalize("good sleep too"));
  }

  @Test
  void restoresDigitSwappedVocabularyWords() {
    assertEquals("suicide kill", normalizer.normalize("su1cide k1ll"));
  }

  @Test
  void restoresMaskedVocabularyWords() {
    assertEquals("suicide die", normalizer.normalize("s*icide d!e"));
  }

  @Test
  void keepsTrailingPunctuationAfterARestoredWord() {
    assertEquals("die!!!", normalizer.normalize("d!e!!!"));
  }

  @Test
  void leavesMaskedWordsOutsideTheVocabularyAlone() {
    assertEquals("sh*t happens", normalizer.normalize("sh*t happens"));
  }

  @Test
  void joinsSpacedOutVocabularyWords() {
    assertEquals("i want to die", normalizer.normalize("i want to d i e"));
  }

  @Test
  void leavesOtherSingleLettersAlone() {
    assertEquals("a b c", normalizer.normalize("a b c"));
  }

  @Test
  void expandsChatSpellingsAsWholeWords() {
    assertEquals("i'm going to kill myself, him", normalizer.normalize("im going to kms, him"));
  }

  @Test
  void keepsNumbersAndAgeForms() {
    assertEquals("i'm 14f, 2nd place", normalizer.normalize("im 14f, 2nd place"));
  }
}
