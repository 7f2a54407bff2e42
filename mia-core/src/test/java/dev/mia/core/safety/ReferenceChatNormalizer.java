package dev.mia.core.safety;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The straightforward form of {@link ChatNormalizer}, as it was before its fast paths: every pass
 * is a regex over the whole text. {@link PatternSafetyClassifierEquivalenceTest} checks that the
 * fast normaliser gives the same text. One difference from the first version: a masked token that
 * spells more than one vocabulary word becomes the first in alphabetical order (that version took
 * whichever its hash set met first, which varied from run to run).
 */
final class ReferenceChatNormalizer {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cf}\\p{Co}\\p{Cn}]");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern REPEATS = Pattern.compile("(\\p{L})\\1{2,}");
  private static final Pattern DOUBLED_WORD = Pattern.compile("\\p{L}*(\\p{L})\\1\\p{L}*");
  private static final Pattern DOUBLE = Pattern.compile("(\\p{L})\\1");

  /** A run that may hide a word: letters mixed with digits or masking symbols. */
  private static final Pattern MASKED = Pattern.compile("[\\p{L}0-9@$!*|#_¥€¢§]+");

  /** A word broken by dots: "sui.cide". */
  private static final Pattern DOTTED =
      Pattern.compile("(?<![\\p{L}\\p{N}.])\\p{L}+(?:\\.\\p{L}+)+(?![\\p{L}\\p{N}])");

  private static final Set<String> FILLERS =
      Set.of(
          "i", "a", "to", "me", "my", "am", "so", "be", "is", "it", "just", "and", "of", "the",
          "you", "in", "now", "go");

  /** Single letters separated by spaces, dots or dashes: "k i l l", "s.u.i.c.i.d.e". */
  private static final Pattern SPACED =
      Pattern.compile("(?<![\\p{L}\\p{N}])(?:\\p{L}[ .\\-_*]){2,}\\p{L}(?![\\p{L}\\p{N}])");

  private final Set<String> vocabulary;
  private final Map<String, String> spellings;
  private final Pattern spellingPattern;

  ReferenceChatNormalizer(Set<String> vocabulary, Map<String, String> spellings) {
    this.vocabulary = new TreeSet<>(vocabulary);
    this.spellings = Map.copyOf(spellings);
    this.spellingPattern = spellingPattern(this.spellings.keySet());
  }

  String normalize(String message) {
    Objects.requireNonNull(message, "message == null");
    String text = Normalizer.normalize(message, Normalizer.Form.NFKC);
    text = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    text = text.toLowerCase(Locale.ROOT);
    text = straightenQuotes(text);
    text = INVISIBLE.matcher(text).replaceAll("");
    text = SPACES.matcher(text).replaceAll(" ").trim();
    text = REPEATS.matcher(text).replaceAll("$1$1");
    text = unmask(text);
    text = shortenStretched(text);
    text = joinSpacedLetters(text);
    text = joinDottedWords(text);
    return expandSpellings(text);
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

  private String unmask(String text) {
    Matcher m = MASKED.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(unmaskToken(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String unmaskToken(String token) {
    if (!hasLetter(token) || !hasMask(token)) {
      return token;
    }
    String word = vocabularyWord(token);
    if (word != null) {
      return word;
    }
    // Trailing or leading "!" and "*" are usually punctuation or emphasis: "d!e!!!", "*sigh*".
    int start = 0;
    int end = token.length();
    while (start < end && isEdgePunctuation(token.charAt(start))) {
      start++;
    }
    while (end > start && isEdgePunctuation(token.charAt(end - 1))) {
      end--;
    }
    if (start == 0 && end == token.length()) {
      return token;
    }
    word = vocabularyWord(token.substring(start, end));
    return word == null ? token : token.substring(0, start) + word + token.substring(end);
  }

  private static boolean isEdgePunctuation(char c) {
    return c == '!' || c == '*' || c == '|' || c == '_' || c == '#';
  }

  private static boolean hasLetter(String token) {
    return token.chars().anyMatch(Character::isLetter);
  }

  private static boolean hasMask(String token) {
    return token.chars().anyMatch(c -> !Character.isLetter(c));
  }

  /** {@return the vocabulary word {@code token} spells once masks are read as letters, or null} */
  private String vocabularyWord(String token) {
    if (token.isEmpty() || !hasLetter(token)) {
      return null;
    }
    if (!hasMask(token)) {
      return vocabulary.contains(token) ? token : null;
    }
    for (String word : vocabulary) {
      if (word.length() == token.length() && spells(token, word)) {
        return word;
      }
    }
    return null;
  }

  private static boolean spells(String token, String word) {
    for (int i = 0; i < token.length(); i++) {
      char t = token.charAt(i);
      char w = word.charAt(i);
      if (Character.isLetter(t) ? t != w : readsAs(t).indexOf(w) < 0) {
        return false;
      }
    }
    return true;
  }

  /** {@return the letters a digit or symbol commonly stands for in chat} */
  private static String readsAs(char c) {
    return switch (c) {
      case '0' -> "o";
      case '1', '!', '|' -> "il";
      case '3' -> "e";
      case '4', '@' -> "a";
      case '5', '$' -> "s";
      case '7' -> "t";
      case '¥' -> "y";
      case '€' -> "e";
      case '¢' -> "c";
      case '§' -> "s";
      case '8' -> "b";
      case '9' -> "g";
      // A mask hides one letter, any letter.
      case '*', '#', '_' -> "abcdefghijklmnopqrstuvwxyz";
      default -> "";
    };
  }

  /**
   * Restores stretched words: a word with doubled letters that is not in the vocabulary becomes the
   * vocabulary word it spells with some doubles made single ("diee" becomes "die", "deadd" "dead").
   * Repeats of three or more were already cut to two.
   */
  private String shortenStretched(String text) {
    Matcher m = DOUBLED_WORD.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(shorten(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String shorten(String word) {
    if (vocabulary.contains(word)) {
      return word;
    }
    List<Integer> doubles = new ArrayList<>();
    Matcher d = DOUBLE.matcher(word);
    while (d.find()) {
      doubles.add(d.start());
    }
    // Each double is kept or made single; a long word with many doubles is left alone.
    if (doubles.isEmpty() || doubles.size() > 6) {
      return word;
    }
    for (int singles = 1; singles <= doubles.size(); singles++) {
      for (int mask = 1; mask < 1 << doubles.size(); mask++) {
        if (Integer.bitCount(mask) != singles) {
          continue;
        }
        StringBuilder candidate = new StringBuilder(word);
        for (int i = doubles.size() - 1; i >= 0; i--) {
          if ((mask & 1 << i) != 0) {
            candidate.deleteCharAt(doubles.get(i));
          }
        }
        if (vocabulary.contains(candidate.toString())) {
          return candidate.toString();
        }
      }
    }
    return word;
  }

  private String joinSpacedLetters(String text) {
    Matcher m = SPACED.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String joined = m.group().replaceAll("[ .\\-_*]", "");
      String word = vocabulary.contains(joined) ? joined : split(joined, m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(word));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * {@return the split of {@code letters} into the fewest known words (vocabulary or fillers), at
   * least one from the vocabulary, joined by spaces; {@code otherwise} when there is none}: every
   * split is tried, shortest first.
   */
  private String split(String letters, String otherwise) {
    for (int count = 1; count <= letters.length(); count++) {
      List<String> words = splitInto(letters, count);
      if (words != null) {
        return words.stream().anyMatch(vocabulary::contains) ? String.join(" ", words) : otherwise;
      }
    }
    return otherwise;
  }

  /** {@return a split of {@code letters} into exactly {@code count} known words, or null} */
  private List<String> splitInto(String letters, int count) {
    if (count == 1) {
      return known(letters) && letters.length() <= 12 ? new ArrayList<>(List.of(letters)) : null;
    }
    for (int cut = letters.length() - 1; cut >= 1; cut--) {
      String last = letters.substring(cut);
      if (last.length() > 12 || !known(last)) {
        continue;
      }
      List<String> head = splitInto(letters.substring(0, cut), count - 1);
      if (head != null) {
        head.add(last);
        return head;
      }
    }
    return null;
  }

  private boolean known(String word) {
    return vocabulary.contains(word) || FILLERS.contains(word);
  }

  private String joinDottedWords(String text) {
    Matcher m = DOTTED.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String joined = m.group().replace(".", "");
      m.appendReplacement(
          out, Matcher.quoteReplacement(vocabulary.contains(joined) ? joined : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String expandSpellings(String text) {
    if (spellingPattern == null) {
      return text;
    }
    Matcher m = spellingPattern.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(spellings.get(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Pattern spellingPattern(Set<String> keys) {
    if (keys.isEmpty()) {
      return null;
    }
    // Longest first, so "want 2" wins over a shorter key that is its prefix.
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(k -> k));
    String alternatives = sorted.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    return Pattern.compile("(?<![\\p{L}\\p{N}'])(?:" + alternatives + ")(?![\\p{L}\\p{N}'])");
  }
}
