package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WordPieceTokenizerTest {
  private static WordPieceTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream json =
        WordPieceTokenizerTest.class.getResourceAsStream("/bge-small-en-v1.5-q-tokenizer.json")) {
      tokenizer = WordPieceTokenizer.fromJson(json);
    }
  }

  @Test
  void knownWordsGetTheirVocabularyIds() {
    assertArrayEquals(new int[] {7592, 2088}, tokenizer.tokenize("Hello WORLD"));
  }

  @Test
  void accentsAreDroppedAndCaseFolded() {
    assertArrayEquals(tokenizer.tokenize("cafe"), tokenizer.tokenize("Café"));
  }

  @Test
  void punctuationIsSplitOff() {
    assertEquals(
        List.of("i", "'", "m", "ok", "!", "!"), WordPieceTokenizer.preTokenize("i'm ok!!"));
  }

  @Test
  void anUnknownWordIsOneUnknownToken() {
    assertArrayEquals(new int[] {WordPieceTokenizer.UNK}, tokenizer.tokenize("😀😀"));
  }

  @Test
  void aWordPastOneHundredCharsIsUnknown() {
    assertArrayEquals(new int[] {WordPieceTokenizer.UNK}, tokenizer.tokenize("a".repeat(101)));
  }

  @Test
  void controlAndInvisibleCharactersAreDropped() {
    assertArrayEquals(
        tokenizer.tokenize("hello world"), tokenizer.tokenize("hel\u200blo\u0000 world"));
  }

  @Test
  void anEmptyTextHasNoTokens() {
    assertArrayEquals(new int[0], tokenizer.tokenize(""));
  }
}
