package dev.mia.core.profile;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original server's four age patterns, tried in order; the first that matches decides, and a
 * number outside 5..100 gives no age. It reads "I'm 5 minutes away" as age 5: kept for comparison.
 */
final class OriginalAgeDetector implements AgeDetector {
  private static final List<Pattern> PATTERNS =
      List.of(
          Pattern.compile("i(?:'m| am) (\\d+)(?: years? old)?"),
          Pattern.compile("(\\d+) years? old"),
          Pattern.compile("age (?:is )?(\\d+)"),
          Pattern.compile("turning (\\d+)"));

  @Override
  public OptionalInt detect(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    for (Pattern pattern : PATTERNS) {
      Matcher matcher = pattern.matcher(text);
      if (matcher.find()) {
        return Ages.checked(matcher.group(1));
      }
    }
    return OptionalInt.empty();
  }
}
