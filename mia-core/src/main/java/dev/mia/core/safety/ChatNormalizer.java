package dev.mia.core.safety;

import dev.mia.core.text.TextFolding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a chat message into the canonical text the safety rules are written against: first the base
 * folding the age detector shares ({@link TextFolding}: Unicode compatibility forms folded (NFKC)
 * and accents dropped, lower case, straight quotes, no invisible characters, single spaces), then
 * letters repeated three or more times cut to two ("dieee" becomes "diee") and then to the
 * vocabulary word they stretch ("die"), masked or digit-swapped words restored when they spell a
 * word of the rule vocabulary ("su1cide", "d!e", "s*icide", "s u i c i d e"), and chat spellings
 * expanded ("wanna" becomes "want to", "kms" becomes "kill myself"). Punctuation stays, so rules
 * and guards can stop at a sentence end. Immutable and thread-safe.
 *
 * <p>This runs on every message, so a pass is skipped when the text lacks what it looks for, and
 * simple passes walk the chars instead of running a regex; each gives what its regex would give
 * ({@code PatternSafetyClassifierEquivalenceTest} holds them to {@code ReferenceChatNormalizer}).
 */
final class ChatNormalizer {
  private static final Pattern REPEATS = Pattern.compile("(\\p{L})\\1{2,}");
  private static final Pattern DOUBLED_WORD = Pattern.compile("\\p{L}*(\\p{L})\\1\\p{L}*");
  private static final Pattern DOUBLE = Pattern.compile("(\\p{L})\\1");

  /** A run that may hide a word: letters mixed with digits or masking symbols. */
  private static final Pattern MASKED = Pattern.compile("[\\p{L}0-9@$!*|#_¥€¢§]+");

  /** A word broken by dots: "sui.cide", "over.dose". */
  private static final Pattern DOTTED =
      Pattern.compile("(?<![\\p{L}\\p{N}.])\\p{L}+(?:\\.\\p{L}+)+(?![\\p{L}\\p{N}])");

  /**
   * Short words that may stand between vocabulary words when a whole phrase is spelled out letter
   * by letter ("i w a n t t o d i e"); only a run that splits into these and vocabulary words, at
   * least one of them a vocabulary word, is rewritten.
   */
  private static final Set<String> FILLERS =
      Set.of(
          "i", "a", "to", "me", "my", "am", "so", "be", "is", "it", "just", "and", "of", "the",
          "you", "in", "now", "go");

  /** Single letters separated by spaces, dots or dashes: "k i l l", "s.u.i.c.i.d.e". */
  private static final Pattern SPACED =
      Pattern.compile("(?<![\\p{L}\\p{N}])(?:\\p{L}[ .\\-_*]){2,}\\p{L}(?![\\p{L}\\p{N}])");

  private final Set<String> vocabulary;

  /**
   * The vocabulary by word length, each list in alphabetical order: a masked token is tried against
   * the words of its length, and when it spells more than one ("d*e": "die", "doe") the first in
   * alphabetical order wins, the same on every run.
   */
  private final Map<Integer, List<String>> vocabularyByLength;

  /** The {@link #squeeze squeezed} forms of the vocabulary words. */
  private final Set<String> squeezedVocabulary;

  private final Map<String, String> spellings;

  /** The chat spellings by first char, each list longest first. */
  private final Map<Character, List<String>> spellingsByFirstChar;

  ChatNormalizer(Set<String> vocabulary, Map<String, String> spellings) {
    this.vocabulary = Set.copyOf(vocabulary);
    this.vocabularyByLength =
        this.vocabulary.stream()
            .sorted()
            .collect(Collectors.groupingBy(String::length, Collectors.toList()));
    this.squeezedVocabulary =
        this.vocabulary.stream().map(ChatNormalizer::squeeze).collect(Collectors.toSet());
    this.spellings = Map.copyOf(spellings);
    this.spellingsByFirstChar =
        sortedKeys(this.spellings.keySet()).stream()
            .collect(Collectors.groupingBy(k -> k.charAt(0), Collectors.toList()));
  }

  String normalize(String message) {
    Objects.requireNonNull(message, "message == null");
    String text = TextFolding.fold(message);
    // Each pass below runs only when the text has what the pass looks for; the checks are
    // necessary conditions for the pass's pattern to match, so skipping changes nothing.
    if (hasLetterRepeatedThrice(text)) {
      text = REPEATS.matcher(text).replaceAll("$1$1");
    }
    if (hasLetterNextToMask(text)) {
      text = unmask(text);
    }
    text = shortenStretched(text);
    if (mayHaveSpacedLetters(text)) {
      text = joinSpacedLetters(text);
    }
    if (hasLetterDotLetter(text)) {
      text = joinDottedWords(text);
    }
    return expandSpellings(text);
  }

  /** {@return whether {@link #REPEATS} can match: a letter three times in a row} */
  private static boolean hasLetterRepeatedThrice(String text) {
    int run = 0;
    int previous = -1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      run = cp == previous ? run + 1 : 1;
      if (run >= 3 && Character.isLetter(cp)) {
        return true;
      }
      previous = cp;
      i += Character.charCount(cp);
    }
    return false;
  }

  private static boolean isMask(int cp) {
    return (cp >= '0' && cp <= '9')
        || cp == '@'
        || cp == '$'
        || cp == '!'
        || cp == '*'
        || cp == '|'
        || cp == '#'
        || cp == '_'
        || cp == '¥'
        || cp == '€'
        || cp == '¢'
        || cp == '§';
  }

  /**
   * {@return whether {@link #unmask} can change anything}: only a token with both a letter and a
   * mask is ever rewritten, and such a token has a letter right beside a mask somewhere.
   */
  private static boolean hasLetterNextToMask(String text) {
    int previous = -1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (previous >= 0
          && ((isMask(cp) && Character.isLetter(previous))
              || (isMask(previous) && Character.isLetter(cp)))) {
        return true;
      }
      previous = cp;
      i += Character.charCount(cp);
    }
    return false;
  }

  /** {@return whether the text has a letter outside the Basic Multilingual Plane} */
  private static boolean hasSupplementaryLetter(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isHighSurrogate(text.charAt(i)) && Character.isLetter(text.codePointAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSpacer(char c) {
    return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*';
  }

  /**
   * {@return whether {@link #SPACED} can match}: a letter not preceded by a letter, then two more
   * single letters each after a spacer. Supplementary letters are left to the regex.
   */
  private static boolean mayHaveSpacedLetters(String text) {
    if (hasSupplementaryLetter(text)) {
      return true;
    }
    for (int i = 0; i + 4 < text.length(); i++) {
      if (Character.isLetter(text.charAt(i))
          && (i == 0 || !Character.isLetter(text.charAt(i - 1)))
          && isSpacer(text.charAt(i + 1))
          && Character.isLetter(text.charAt(i + 2))
          && isSpacer(text.charAt(i + 3))
          && Character.isLetter(text.charAt(i + 4))) {
        return true;
      }
    }
    return false;
  }

  private String unmask(String text) {
    return MASKED.matcher(text).replaceAll(m -> Matcher.quoteReplacement(unmaskToken(m.group())));
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
    for (String word : vocabularyByLength.getOrDefault(token.length(), List.of())) {
      if (spells(token, word)) {
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
   *
   * <p>{@link #DOUBLED_WORD} matches exactly the maximal runs of letters that hold a doubled letter
   * (it starts at a run's first letter and its greedy tail runs to the run's end), so the runs are
   * walked by hand. Text with a letter outside the BMP takes the regex, where a letter is two
   * chars.
   */
  private String shortenStretched(String text) {
    if (hasSupplementaryLetter(text)) {
      return shortenStretchedByRegex(text);
    }
    StringBuilder out = null;
    int copied = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!Character.isLetter(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      boolean doubled = false;
      for (i++; i < n && Character.isLetter(text.charAt(i)); i++) {
        doubled |= text.charAt(i) == text.charAt(i - 1);
      }
      if (doubled) {
        String word = text.substring(start, i);
        String shortened = shorten(word);
        if (!shortened.equals(word)) {
          if (out == null) {
            out = new StringBuilder(n);
          }
          out.append(text, copied, start).append(shortened);
          copied = i;
        }
      }
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  private String shortenStretchedByRegex(String text) {
    return DOUBLED_WORD.matcher(text).replaceAll(m -> Matcher.quoteReplacement(shorten(m.group())));
  }

  /**
   * {@return the text with each run of one repeated char cut to one char}: "feeling" becomes
   * "feling". Making a double single keeps the squeezed form, so a word whose squeezed form no
   * vocabulary word has cannot be shortened into the vocabulary.
   */
  static String squeeze(String word) {
    StringBuilder out = null;
    for (int i = 1; i < word.length(); i++) {
      if (word.charAt(i) == word.charAt(i - 1)) {
        if (out == null) {
          out = new StringBuilder(word.length()).append(word, 0, i);
        }
      } else if (out != null) {
        out.append(word.charAt(i));
      }
    }
    return out == null ? word : out.toString();
  }

  private String shorten(String word) {
    // Vocabulary words are letters of the BMP only, so a candidate below is in the vocabulary
    // only if the word has no surrogates and so has the candidate's squeezed form.
    if (vocabulary.contains(word) || !squeezedVocabulary.contains(squeeze(word))) {
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
    return SPACED
        .matcher(text)
        .replaceAll(
            m -> {
              String joined = m.group().replaceAll("[ .\\-_*]", "");
              String word =
                  vocabulary.contains(joined) ? joined : segmented(joined).orElse(m.group());
              return Matcher.quoteReplacement(word);
            });
  }

  /** {@return whether {@link #DOTTED} can match}: a dot with a letter right before and after it */
  private static boolean hasLetterDotLetter(String text) {
    if (hasSupplementaryLetter(text)) {
      return text.indexOf('.') >= 0; // left to the regex, as for spaced letters
    }
    for (int i = text.indexOf('.'); i >= 0; i = text.indexOf('.', i + 1)) {
      if (i > 0
          && i + 1 < text.length()
          && Character.isLetter(text.charAt(i - 1))
          && Character.isLetter(text.charAt(i + 1))) {
        return true;
      }
    }
    return false;
  }

  private String joinDottedWords(String text) {
    return DOTTED
        .matcher(text)
        .replaceAll(
            m -> {
              String joined = m.group().replace(".", "");
              return Matcher.quoteReplacement(vocabulary.contains(joined) ? joined : m.group());
            });
  }

  /**
   * {@return {@code letters} split into the fewest words that are all vocabulary words or {@link
   * #FILLERS}, at least one of them a vocabulary word, joined by spaces}; empty when there is no
   * such split
   */
  private Optional<String> segmented(String letters) {
    int n = letters.length();
    // best[i]: fewest words for letters[0, i); from[i]: where the last of them starts.
    int[] best = new int[n + 1];
    int[] from = new int[n + 1];
    Arrays.fill(best, Integer.MAX_VALUE);
    best[0] = 0;
    for (int end = 1; end <= n; end++) {
      for (int start = Math.max(0, end - 12); start < end; start++) {
        if (best[start] == Integer.MAX_VALUE) {
          continue;
        }
        String word = letters.substring(start, end);
        if ((vocabulary.contains(word) || FILLERS.contains(word)) && best[start] + 1 < best[end]) {
          best[end] = best[start] + 1;
          from[end] = start;
        }
      }
    }
    if (best[n] == Integer.MAX_VALUE) {
      return Optional.empty();
    }
    List<String> words = new ArrayList<>();
    for (int end = n; end > 0; end = from[end]) {
      words.add(0, letters.substring(from[end], end));
    }
    return words.stream().anyMatch(vocabulary::contains)
        ? Optional.of(String.join(" ", words))
        : Optional.empty();
  }

  /**
   * Replaces chat spellings that stand as whole words: not after a letter, digit or apostrophe (the
   * single char before), not before one (the code point after). Scanning left to right, at each
   * char the longest key that fits wins, and the scan goes on after it. This is what the regex
   * {@code (?<![\p{L}\p{N}'])(?:longest|...|shortest)(?![\p{L}\p{N}'])} with {@code replaceAll}
   * does, without trying some ninety alternatives at every char.
   */
  private String expandSpellings(String text) {
    StringBuilder out = null;
    int copied = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      List<String> keys = spellingsByFirstChar.get(text.charAt(i));
      String key =
          keys == null || (i > 0 && isWordChar(text.charAt(i - 1))) ? null : keyAt(text, i, keys);
      if (key == null) {
        i++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n + 16);
      }
      out.append(text, copied, i).append(spellings.get(key));
      i += key.length();
      copied = i;
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  private static String keyAt(String text, int at, List<String> keys) {
    for (String key : keys) {
      int end = at + key.length();
      if (text.startsWith(key, at)
          && (end == text.length() || !isWordChar(text.codePointAt(end)))) {
        return key;
      }
    }
    return null;
  }

  /** {@return whether {@code cp} is a letter, a digit or other number, or an apostrophe} */
  private static boolean isWordChar(int cp) {
    if (cp == '\'' || Character.isLetter(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  /** Longest first, so "want 2" wins over a shorter key that is its prefix. */
  private static List<String> sortedKeys(Set<String> keys) {
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(k -> k));
    return sorted;
  }
}
