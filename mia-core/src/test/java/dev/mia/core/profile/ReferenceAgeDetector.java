package dev.mia.core.profile;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The straightforward form of {@link PatternAgeDetector}, as it was before its shortcuts: every
 * normalising pass is a regex over the whole text, and every pattern is searched with {@link
 * Matcher#find}. {@link PatternAgeDetectorEquivalenceTest} checks the detector gives the same.
 */
final class ReferenceAgeDetector implements AgeDetector {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cf}\\p{Co}\\p{Cn}]");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern WORD = Pattern.compile("[a-z][a-z']*");

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

  private final AgeRules rules;
  private final Pattern spellingPattern;

  ReferenceAgeDetector(AgeRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules == null");
    this.spellingPattern = spellingPattern(rules.spellings().keySet());
  }

  @Override
  public OptionalInt detect(String message) {
    Objects.requireNonNull(message, "message == null");
    String text = normalize(message);
    OptionalInt current = earliest(rules.current(), text);
    return current.isPresent() ? current : earliest(rules.future(), text);
  }

  /** {@return the text the patterns see, for tests and rule authors} */
  String normalize(String message) {
    String text = Normalizer.normalize(message, Normalizer.Form.NFKC);
    text = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    text = text.toLowerCase(Locale.ROOT);
    text = text.replaceAll("[\u2018\u2019\u201A\u201B\u02BC\u2032\u00B4`]", "'");
    text = text.replaceAll("[\u201C\u201D\u201E\u201F\u2033]", "\"");
    text = INVISIBLE.matcher(text).replaceAll("");
    text = SPACES.matcher(text).replaceAll(" ").trim();
    if (spellingPattern != null) {
      text =
          spellingPattern
              .matcher(text)
              .replaceAll(m -> Matcher.quoteReplacement(rules.spellings().get(m.group())));
    }
    return numberWordsToDigits(text);
  }

  static String numberWordsToDigits(String text) {
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

  private OptionalInt earliest(List<Pattern> patterns, String text) {
    int bestAt = Integer.MAX_VALUE;
    OptionalInt best = OptionalInt.empty();
    for (Pattern pattern : patterns) {
      Matcher m = pattern.matcher(text);
      while (m.find()) {
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
      }
    }
    return best;
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
    String rest = text.substring(suffixEnd).replaceFirst("^[\\s-]+", "");
    if (rest.startsWith("%")) {
      return true;
    }
    for (String measure : rules.measureWords()) {
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
      Matcher after = WORD.matcher(rest.substring(word.end()).replaceFirst("^[\\s-]+", ""));
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
