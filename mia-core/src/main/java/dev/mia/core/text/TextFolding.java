package dev.mia.core.text;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The base folding the detectors apply to a chat message before their own rules, so that the many
 * ways of typing a letter, a quote or a space read as one: in this order, Unicode compatibility
 * forms folded (NFKC, so full-width letters become plain), accents and other combining marks
 * dropped (after NFD), lower case ({@link Locale#ROOT}), curly and other typographic quotes
 * straightened to {@code '} and {@code "}, invisible characters (format, private-use and unassigned
 * code points) removed, and every run of whitespace ({@code \s}: space, tab, line breaks, vertical
 * tab, form feed) made one space, with the ends trimmed. Punctuation is kept. Compatibility folding
 * comes first, so two marks never reach the quote step as themselves: an acute accent ({@code
 * U+00B4}) becomes a space, and a double prime ({@code U+2033}) two primes, {@code ''}.
 *
 * <p>ASCII text takes a fast path with the same result: NFKC and NFD leave it as it is, it has no
 * marks and no invisible characters, and its only quote to straighten is the backtick. This runs on
 * every message, twice. Stateless and thread-safe.
 */
public final class TextFolding {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cf}\\p{Co}\\p{Cn}]");

  private TextFolding() {}

  /**
   * {@return {@code text} folded as described above}
   *
   * @throws NullPointerException if {@code text} is null
   */
  public static String fold(String text) {
    Objects.requireNonNull(text, "text == null");
    String folded;
    if (isAscii(text)) {
      folded = text.toLowerCase(Locale.ROOT).replace('`', '\'');
    } else {
      folded = Normalizer.normalize(text, Normalizer.Form.NFKC);
      folded = MARKS.matcher(Normalizer.normalize(folded, Normalizer.Form.NFD)).replaceAll("");
      folded = folded.toLowerCase(Locale.ROOT);
      folded = straightenQuotes(folded);
      folded = INVISIBLE.matcher(folded).replaceAll("");
    }
    return collapseSpaces(folded);
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String straightenQuotes(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\u2018', '\u2019', '\u201A', '\u201B', '\u02BC', '\u2032', '\u00B4', '`' ->
            out.append('\'');
        case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033' -> out.append('"');
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** What {@code \s} matches (without UNICODE_CHARACTER_CLASS). */
  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\013' || c == '\f' || c == '\r';
  }

  /**
   * {@code text.replaceAll("\\s+", " ").trim()} without a regex, and without a copy when the text
   * has no whitespace but single spaces.
   */
  private static String collapseSpaces(String text) {
    int n = text.length();
    StringBuilder out = null;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (!isRegexSpace(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      int end = i + 1;
      while (end < n && isRegexSpace(text.charAt(end))) {
        end++;
      }
      if (out == null && (c != ' ' || end > i + 1)) {
        out = new StringBuilder(n).append(text, 0, i);
      }
      if (out != null) {
        out.append(' ');
      }
      i = end - 1;
    }
    return (out == null ? text : out.toString()).trim();
  }
}
