package dev.mia.core.profile;

import dev.mia.core.text.TextFolding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The default age detector: the patterns of {@code age-rules.txt} (its header describes the
 * method), matched against normalised text with number words turned into digits, and a check that
 * the number is not a measure ("5 minutes", "6 feet", "100%", "2nd"). A stated current age beats a
 * coming one ("im 13 turning 14" is 13). Immutable and thread-safe.
 */
final class PatternAgeDetector implements AgeDetector {
  private static final Pattern WORD = Pattern.compile("[a-z][a-z']*");
  private static final Pattern LEADING_SPACES = Pattern.compile("^[\\s-]+");

  private static final List<String> UNITS =
      List.of(
          "zero",
          "one",
          "two",
          "three",
          "four",
          "five",
          "six",
          "seven",
          "eight",
          "nine",
          "ten",
          "eleven",
          "twelve",
          "thirteen",
          "fourteen",
          "fifteen",
          "sixteen",
          "seventeen",
          "eighteen",
          "nineteen");
  private static final List<String> TENS =
      List.of("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety");
  private static final Pattern HUNDRED = Pattern.compile("\\b(?:a|one)[\\s-]+hundred\\b");
  private static final Pattern TENS_AND_UNITS =
      Pattern.compile(
          "\\b("
              + String.join("|", TENS)
              + ")(?:[\\s-]+("
              + String.join("|", UNITS.subList(1, 10))
              + "))?\\b");
  private static final Pattern SMALL = Pattern.compile("\\b(" + String.join("|", UNITS) + ")\\b");
  private static final Set<String> YEARS = Set.of("years", "year", "yrs", "yr");

  /** Every word {@link #numberWordsToDigits} replaces. */
  private static final Set<String> NUMBER_WORDS =
      Stream.of(UNITS, TENS, List.of("hundred"))
          .flatMap(List::stream)
          .collect(Collectors.toUnmodifiableSet());

  /** The first letters of {@link #NUMBER_WORDS}. */
  private static final String NUMBER_WORD_STARTS =
      NUMBER_WORDS.stream().map(w -> w.substring(0, 1)).distinct().collect(Collectors.joining());

  private final AgeRules rules;
  private final Pattern spellingPattern;

  /**
   * For each pattern, whether its age is the built-in {@link AgeRules#AGE}, one to three ASCII
   * digits: such a pattern cannot match a text without a digit.
   */
  private final Map<Pattern, Boolean> digitAge = new IdentityHashMap<>();

  /** The measure words by first char (an empty one, which no rule file gives, under '\0'). */
  private final Map<Character, List<String>> measuresByFirstChar;

  PatternAgeDetector(AgeRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules == null");
    this.spellingPattern = spellingPattern(rules.spellings().keySet());
    Stream.concat(rules.current().stream(), rules.future().stream())
        .forEach(p -> digitAge.put(p, p.pattern().contains(AgeRules.AGE)));
    this.measuresByFirstChar =
        rules.measureWords().stream()
            .collect(Collectors.groupingBy(m -> m.isEmpty() ? '\0' : m.charAt(0)));
  }

  @Override
  public OptionalInt detect(String message) {
    Objects.requireNonNull(message, "message == null");
    String text = normalize(message);
    boolean hasDigit = hasAsciiDigit(text);
    OptionalInt current = earliest(rules.current(), text, hasDigit);
    return current.isPresent() ? current : earliest(rules.future(), text, hasDigit);
  }

  /**
   * {@return the text the patterns see, for tests and rule authors}: the base folding the safety
   * classifier shares ({@link TextFolding}), then chat spellings expanded and number words turned
   * into digits
   */
  String normalize(String message) {
    String text = TextFolding.fold(message);
    if (spellingPattern != null && mayHaveSpelling(text)) {
      text =
          spellingPattern
              .matcher(text)
              .replaceAll(m -> Matcher.quoteReplacement(rules.spellings().get(m.group())));
    }
    return numberWordsToDigits(text);
  }

  private static boolean hasAsciiDigit(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        return true;
      }
    }
    return false;
  }

  /** {@return whether the text holds a chat spelling at all} (the regex then finds whole words) */
  private boolean mayHaveSpelling(String text) {
    for (String key : rules.spellings().keySet()) {
      if (text.contains(key)) {
        return true;
      }
    }
    return false;
  }

  static String numberWordsToDigits(String text) {
    if (!hasNumberWord(text)) {
      return text;
    }
    String out = HUNDRED.matcher(text).replaceAll("100");
    out =
        TENS_AND_UNITS
            .matcher(out)
            .replaceAll(
                m -> {
                  int value = (TENS.indexOf(m.group(1)) + 2) * 10;
                  if (m.group(2) != null) {
                    value += UNITS.indexOf(m.group(2));
                  }
                  return Integer.toString(value);
                });
    return SMALL.matcher(out).replaceAll(m -> Integer.toString(UNITS.indexOf(m.group(1))));
  }

  /**
   * {@return whether one of the words {@link #numberWordsToDigits} replaces stands in the text}:
   * each of its patterns matches a number word between word boundaries, which is then a whole run
   * of letters, digits and underscores. A cheap check, as most messages have no number word.
   */
  private static boolean hasNumberWord(String text) {
    int n = text.length();
    for (int i = 0; i < n; ) {
      if (!isWordChar(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && isWordChar(text.charAt(i))) {
        i++;
      }
      if (i - start >= 3
          && i - start <= 9
          && NUMBER_WORD_STARTS.indexOf(text.charAt(start)) >= 0
          && NUMBER_WORDS.contains(text.substring(start, i))) {
        return true;
      }
    }
    return false;
  }

  /** What {@code \b} takes for a word char, for chars of the BMP (surrogates are not). */
  private static boolean isWordChar(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }

  /**
   * {@return the age of the counting match whose age starts first, over all patterns}. For each
   * pattern the matches are taken in order until one counts or one's age starts no earlier than the
   * best so far. Two shortcuts give the same result: a pattern whose age is digits is skipped when
   * the text has none, and once an age is found, a later pattern is tried only at the starts before
   * it (a match starting there or later has its age there or later).
   */
  private OptionalInt earliest(List<Pattern> patterns, String text, boolean hasDigit) {
    int bestAt = Integer.MAX_VALUE;
    OptionalInt best = OptionalInt.empty();
    for (Pattern pattern : patterns) {
      if (!hasDigit && digitAge.get(pattern)) {
        continue;
      }
      Matcher m = pattern.matcher(text);
      boolean bounded = bestAt <= text.length() && !pattern.pattern().contains("\\G");
      if (bounded) {
        // Transparent bounds: lookarounds and \b at the region's start see the whole text; and
        // without anchoring bounds ^ matches only at the text's start, as with find().
        m.useTransparentBounds(true).useAnchoringBounds(false);
      }
      int from = 0;
      while (bounded ? findBefore(m, text, from, bestAt) : m.find()) {
        int at = m.start("age");
        if (at >= bestAt) {
          break;
        }
        OptionalInt age = Ages.checked(m.group("age"));
        if (age.isPresent() && !isMeasure(text, m.end("age"))) {
          bestAt = at;
          best = age;
          break;
        }
        // find() goes on at the end of the last match, or one further after an empty match.
        from = m.end() == m.start() ? m.end() + 1 : m.end();
      }
    }
    return best;
  }

  /**
   * {@return whether the pattern matches at a start from {@code from} to before {@code before}},
   * trying the starts in order as {@link Matcher#find} does, with the same match at each.
   */
  private static boolean findBefore(Matcher m, String text, int from, int before) {
    for (int start = from; start < before && start <= text.length(); start++) {
      m.region(start, text.length());
      if (m.lookingAt()) {
        return true;
      }
    }
    return false;
  }

  /** {@return whether the number ending at {@code end} is a measure, count or ordinal} */
  boolean isMeasure(String text, int end) {
    int i = end;
    int n = text.length();
    if (i < n) {
      char c = text.charAt(i);
      char next = i + 1 < n ? text.charAt(i + 1) : ' ';
      if (c == '%') {
        return true;
      }
      // 14.5, 5:30, 3,000, 5'4, 3/4, 90's
      if ((c == '.' || c == ',' || c == ':' || c == '/' || c == '\'' || c == '"')
          && (Character.isDigit(next) || (c == '\'' && next == 's'))) {
        return true;
      }
      if (c == '\'' || c == '"') {
        return true;
      }
    }
    // Letters attached to the digits: "12yo", "12y/o", "14f", "14/f" are ages; "2nd", "5ft" not.
    int suffixEnd = i;
    while (suffixEnd < n
        && (Character.isLetter(text.charAt(suffixEnd))
            || text.charAt(suffixEnd) == '/'
            || (text.charAt(suffixEnd) == '.'
                && suffixEnd + 1 < n
                && Character.isLetter(text.charAt(suffixEnd + 1))))) {
      suffixEnd++;
    }
    String suffix = text.substring(i, suffixEnd).replace("/", "").replace(".", "");
    if (!suffix.isEmpty() && !rules.ageSuffixes().contains(suffix)) {
      return true;
    }
    String rest = LEADING_SPACES.matcher(text.substring(suffixEnd)).replaceFirst("");
    if (rest.startsWith("%")) {
      return true;
    }
    // Only a measure that starts with the rest's first char (or is empty) can start the rest.
    List<String> measures = new ArrayList<>(measuresByFirstChar.getOrDefault('\0', List.of()));
    if (!rest.isEmpty()) {
      measures.addAll(measuresByFirstChar.getOrDefault(rest.charAt(0), List.of()));
    }
    for (String measure : measures) {
      if (rest.startsWith(measure)
          && (rest.length() == measure.length()
              || !Character.isLetterOrDigit(rest.charAt(measure.length())))) {
        return true;
      }
    }
    Matcher word = WORD.matcher(rest);
    if (!word.lookingAt()) {
      return false;
    }
    String next = word.group();
    if (YEARS.contains(next)) {
      Matcher after =
          WORD.matcher(LEADING_SPACES.matcher(rest.substring(word.end())).replaceFirst(""));
      return after.lookingAt() && !rules.afterYears().contains(after.group());
    }
    return next.endsWith("s") && next.length() >= 4 && !rules.pluralOk().contains(next);
  }

  private static Pattern spellingPattern(Set<String> keys) {
    if (keys.isEmpty()) {
      return null;
    }
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(k -> k));
    String alternatives = sorted.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    return Pattern.compile("(?<![\\p{L}\\p{N}'])(?:" + alternatives + ")(?![\\p{L}\\p{N}'])");
  }
}
