package dev.mia.safetymodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The BERT uncased tokenizer of bge-small-en-v1.5 (and all-MiniLM-L6-v2), as the model's {@code
 * tokenizer.json} describes it (HuggingFace {@code BertNormalizer}, {@code BertPreTokenizer},
 * {@code WordPiece}), in plain Java. Written here rather than taken from DJL's native tokenizer so
 * that the module carries no second native library and makes no network call; {@code
 * EmbeddingReferenceTest} checks that the vectors equal those of langchain4j's model, which uses
 * DJL.
 *
 * <p>Steps, each as HuggingFace does it: drop NUL, U+FFFD and other control and format characters
 * and turn whitespace into spaces; put spaces around CJK ideographs; decompose (NFD) and drop
 * non-spacing marks (accents); lower-case; split on whitespace and around punctuation (ASCII
 * punctuation and Unicode categories P*); then WordPiece: longest vocabulary match first, {@code
 * ##} before a continuing piece, and the whole word {@code [UNK]} if a piece cannot be found or the
 * word is longer than 100 code points.
 *
 * <p>Immutable and thread-safe.
 */
final class WordPieceTokenizer {
  static final int CLS = 101;
  static final int SEP = 102;
  static final int UNK = 100;
  private static final int MAX_WORD_CHARS = 100;

  private final Map<String, Integer> vocab;

  private WordPieceTokenizer(Map<String, Integer> vocab) {
    this.vocab = Map.copyOf(vocab);
  }

  /**
   * {@return the tokenizer of a HuggingFace {@code tokenizer.json} with a WordPiece model}
   *
   * @throws UncheckedIOException if it cannot be read
   * @throws IllegalArgumentException if it is not a WordPiece tokenizer with {@code [CLS]}, {@code
   *     [SEP]} and {@code [UNK]} at the ids this class expects
   */
  static WordPieceTokenizer fromJson(InputStream json) {
    Objects.requireNonNull(json, "json == null");
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode model = root.path("model");
    if (!"WordPiece".equals(model.path("type").asText())) {
      throw new IllegalArgumentException("not a WordPiece tokenizer: " + model.path("type"));
    }
    Map<String, Integer> vocab = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      vocab.put(entry.getKey(), entry.getValue().asInt());
    }
    if (!Integer.valueOf(CLS).equals(vocab.get("[CLS]"))
        || !Integer.valueOf(SEP).equals(vocab.get("[SEP]"))
        || !Integer.valueOf(UNK).equals(vocab.get("[UNK]"))) {
      throw new IllegalArgumentException("unexpected ids for [CLS], [SEP] or [UNK]");
    }
    return new WordPieceTokenizer(vocab);
  }

  /** {@return the word-piece ids of {@code text}, without {@code [CLS]} and {@code [SEP]}} */
  int[] tokenize(String text) {
    Objects.requireNonNull(text, "text == null");
    List<Integer> ids = new ArrayList<>();
    for (String word : preTokenize(normalize(text))) {
      wordPiece(word, ids);
    }
    int[] result = new int[ids.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = ids.get(i);
    }
    return result;
  }

  static String normalize(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (c == 0 || c == 0xFFFD || isControl(c)) {
                return;
              }
              if (isWhitespace(c)) {
                clean.append(' ');
              } else if (isCjk(c)) {
                clean.append(' ').appendCodePoint(c).append(' ');
              } else {
                clean.appendCodePoint(c);
              }
            });
    String decomposed = Normalizer.normalize(clean, Normalizer.Form.NFD);
    StringBuilder stripped = new StringBuilder(decomposed.length());
    decomposed
        .codePoints()
        .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
        .forEach(stripped::appendCodePoint);
    return stripped.toString().toLowerCase(java.util.Locale.ROOT);
  }

  static List<String> preTokenize(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (isWhitespace(c)) {
        flush(word, words);
      } else if (isPunctuation(c)) {
        flush(word, words);
        words.add(new String(Character.toChars(c)));
      } else {
        word.appendCodePoint(c);
      }
    }
    flush(word, words);
    return words;
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  private void wordPiece(String word, List<Integer> ids) {
    int length = word.codePointCount(0, word.length());
    if (length > MAX_WORD_CHARS) {
      ids.add(UNK);
      return;
    }
    List<Integer> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      Integer found = null;
      while (start < end) {
        String piece = word.substring(start, end);
        found = vocab.get(start > 0 ? "##" + piece : piece);
        if (found != null) {
          break;
        }
        end = word.offsetByCodePoints(end, -1);
      }
      if (found == null) {
        ids.add(UNK);
        return;
      }
      pieces.add(found);
      start = end;
    }
    ids.addAll(pieces);
  }

  /** Unicode's White_Space property, as Rust's {@code char::is_whitespace}. */
  static boolean isWhitespace(int c) {
    return (c >= 0x09 && c <= 0x0D)
        || c == 0x20
        || c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }

  /** Categories C* but tab, newline and carriage return, which count as whitespace. */
  private static boolean isControl(int c) {
    if (c == '\t' || c == '\n' || c == '\r') {
      return false;
    }
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.SURROGATE
        || type == Character.PRIVATE_USE
        || type == Character.UNASSIGNED;
  }

  private static boolean isPunctuation(int c) {
    if (c < 0x80) {
      return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || c >= 123;
    }
    int type = Character.getType(c);
    return type == Character.CONNECTOR_PUNCTUATION
        || type == Character.DASH_PUNCTUATION
        || type == Character.START_PUNCTUATION
        || type == Character.END_PUNCTUATION
        || type == Character.INITIAL_QUOTE_PUNCTUATION
        || type == Character.FINAL_QUOTE_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION;
  }

  private static boolean isCjk(int c) {
    return (c >= 0x4E00 && c <= 0x9FFF)
        || (c >= 0x3400 && c <= 0x4DBF)
        || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F)
        || (c >= 0x2B740 && c <= 0x2B81F)
        || (c >= 0x2B820 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0x2F800 && c <= 0x2FA1F);
  }
}
