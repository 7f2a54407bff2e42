package dev.mia.core.exercise;

/**
 * Whether a text contains a phrase as whole words: what the regular expression {@code \bphrase\b}
 * finds, without a regular expression. Every message is checked against every cue of every
 * exercise, and a regex scan per cue cost several percent of a message's CPU, where a string search
 * costs next to nothing.
 */
final class WholeWords {
  private WholeWords() {}

  /**
   * {@return whether {@code phrase} occurs in {@code text} with a word boundary, as {@code \b}
   * defines it, at both ends}
   */
  static boolean contains(String text, String phrase) {
    for (int at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
      if (boundaryAt(text, at) && boundaryAt(text, at + phrase.length())) {
        return true;
      }
      if (at == text.length()) {
        return false; // indexOf clamps its start to the length: an empty phrase would loop here
      }
    }
    return false;
  }

  /** {@return whether a word character is on one side of {@code i} and not on the other} */
  static boolean boundaryAt(String text, int i) {
    boolean left = i > 0 && wordLike(text, Character.codePointBefore(text, i), i - 1);
    boolean right = i < text.length() && wordLike(text, Character.codePointAt(text, i), i);
    return left != right;
  }

  // As java.util.regex: a letter, a digit or '_', or a non-spacing mark on a letter or digit.
  private static boolean wordLike(String text, int ch, int index) {
    if (ch == '_' || Character.isLetterOrDigit(ch)) {
      return true;
    }
    return Character.getType(ch) == Character.NON_SPACING_MARK && hasBase(text, index);
  }

  private static boolean hasBase(String text, int index) {
    for (int x = index; x >= 0; x--) {
      int ch = Character.codePointAt(text, x);
      if (Character.isLetterOrDigit(ch)) {
        return true;
      }
      if (Character.getType(ch) != Character.NON_SPACING_MARK) {
        return false;
      }
    }
    return false;
  }
}
