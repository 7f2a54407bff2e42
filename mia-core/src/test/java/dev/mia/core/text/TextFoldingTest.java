package dev.mia.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextFoldingTest {
  @Test
  void lowerCasesAndStraightensQuotes() {
    assertEquals("i'm \"fine\" it's", TextFolding.fold("I’M “FINE” IT`S"));
  }

  @Test
  void straightensTypographicQuotes() {
    assertEquals(
        "'''''' \"\"\"\"",
        TextFolding.fold("\u2018\u2019\u201A\u201B\u02BC\u2032 \u201C\u201D\u201E\u201F"));
  }

  @Test
  void compatibilityFoldingComesBeforeTheQuotes() {
    // NFKC makes an acute accent a space and a combining mark, and a double prime two primes.
    assertEquals("a b ''", TextFolding.fold("a\u00B4b \u2033"));
  }

  @Test
  void foldsCompatibilityFormsAndDropsAccents() {
    assertEquals("suicide cafe naive", TextFolding.fold("ｓｕｉｃｉｄｅ café naïve"));
  }

  @Test
  void dropsInvisibleCharacters() {
    assertEquals("kill", TextFolding.fold("ki\u200bll\u2060"));
  }

  @Test
  void collapsesWhitespaceRunsAndTrims() {
    assertEquals("a b c d", TextFolding.fold("  a \n\t b   c\r\n\u000b\fd "));
  }

  @Test
  void keepsPunctuation() {
    assertEquals("stop. now!", TextFolding.fold("Stop. Now!"));
  }

  @Test
  void asciiTextFoldsAsItWouldOnTheFullPath() {
    // The "é" sends the second text down the full path, where it folds to "e".
    assertEquals(TextFolding.fold("It`s  OK\te"), TextFolding.fold("It`s  OK\t\u00e9"));
  }

  @Test
  void returnsFoldedAsciiTextWithoutACopyWhenNothingChanges() {
    String text = "already folded, one space each";

    assertSame(text, TextFolding.fold(text));
  }

  @Test
  void nullIsRefusedByName() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> TextFolding.fold(null));

    assertEquals("text == null", e.getMessage());
  }
}
