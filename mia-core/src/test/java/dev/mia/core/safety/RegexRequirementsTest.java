package dev.mia.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RegexRequirements}, the analysis behind the classifier's prefilter and its search for
 * patterns that begin with {LEAD}: a few known answers, then properties over random regexes.
 */
class RegexRequirementsTest {
  private static Set<String> required(String regex) {
    return RegexRequirements.of(regex);
  }

  @Test
  void repeatedLettersSqueezeToOne() {
    assertEquals(Set.of("die"), required("d+i+e+"));
    assertEquals(Set.of("beter"), required(SafetyRules.phrase("better")));
  }

  @Test
  void aSequenceNeedsTheJoinedStringsOfARunOfKnownParts() {
    // "how " joined with each alternative, then cut where longer strings stop paying off
    assertEquals(Set.of("how do i ", "how to "), required("\\bhow (?:to|do i) (?:die|go)\\b"));
  }

  @Test
  void alternativesNeedOneOfTheirParts() {
    assertEquals(Set.of("cocaine", "heroin"), required("\\b(?:heroin|cocaine)\\b"));
  }

  @Test
  void aPositiveLookaheadStillNeedsItsText() {
    assertEquals(Set.of("godbye"), required("(?s)^(?=.*\\bgoodbye\\b).+"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "(\\w)\\1", // a backreference
        "(?i)die", // case-insensitive
        "[^a]+", // no string is needed
        "a?b?",
        "(?!die).*",
        "x[a&&b]" // a class intersection
      })
  void whatIsNotKnownIsNull(String regex) {
    assertNull(required(regex));
  }

  @Test
  void leadingWordsAreReadThroughMacroGroups() {
    RegexRequirements.LeadingWords lead =
        RegexRequirements.leadingWords("(?:(?:(?:i|i'm|want) )*)die (?:it|them)\\b");
    assertNotNull(lead);
    assertEquals(Set.of("i ", "i'm ", "want "), lead.words());
    assertEquals("die (?:it|them)\\b", lead.rest());
    assertNull(RegexRequirements.leadingWords("(?:(?:(?i)a )*)die"));
    assertNull(RegexRequirements.leadingWords("\\bdie"));
  }

  @Test
  void everyBuiltInGuardThatBeginsWithLeadIsSearchedFromItsRest() {
    List<Pattern> leadGuards =
        SafetyRules.builtIn().guards().stream()
            .filter(g -> g.pattern().startsWith("(?:(?:(?:i|i'm|"))
            .collect(Collectors.toList());
    assertEquals(8, leadGuards.size());
    leadGuards.forEach(
        g -> assertNotNull(RegexRequirements.leadingWords(g.pattern()), g.pattern()));
  }

  @Test
  void everyBuiltInRuleAndGuardIsAnalysed() {
    SafetyRules rules = SafetyRules.builtIn();
    rules.rules().forEach(rule -> assertNotNull(required(rule.pattern().pattern()), rule.source()));
    rules.guards().forEach(guard -> assertNotNull(required(guard.pattern()), guard.pattern()));
  }

  // --- properties over random regexes -----------------------------------------------------------

  /** Whenever a random regex finds a match, the squeezed text holds a required string. */
  @Test
  void aRegexNeverMatchesWithoutItsRequiredStrings() {
    Random random = new Random(7);
    int known = 0;
    for (int i = 0; i < 4000; i++) {
      String regex = RandomRegex.of(random, 3);
      Pattern pattern;
      try {
        pattern = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        continue;
      }
      Set<String> required = required(regex);
      if (required == null) {
        continue;
      }
      known++;
      for (int t = 0; t < 60; t++) {
        String text = RandomRegex.text(random);
        if (pattern.matcher(text).find()) {
          String squeezed = ChatNormalizer.squeeze(text);
          assertTrue(
              required.stream().anyMatch(squeezed::contains),
              () -> regex + " matches \"" + text + "\" without any of " + required);
        }
      }
    }
    assertTrue(known > 1000, "too few random regexes were analysed: " + known);
  }

  /**
   * A guard that begins with repeated words is searched from where its rest matches, yet finds the
   * same spans as {@code while (find())}, also with a lookbehind, {@code \b} or {@code ^} next.
   */
  @Test
  void aGuardAfterRepeatedWordsFindsWhatFindFinds() {
    Random random = new Random(11);
    String[] rests = {
      "die", "\\bdie", "(?<=o )die", "(?<!i )die\\b", "^die", "die(?= a)", "(?:die|a)+", "d?", "$"
    };
    int compared = 0;
    for (int i = 0; i < 300; i++) {
      String words = random.nextBoolean() ? "(?:(?:so|i|i o) )*" : "(?:(?:(?:o|a|so o) )*)";
      String guard = words + rests[random.nextInt(rests.length)];
      SafetyRules rules = SafetyRules.parse("[guard]\nre: " + guard + "\n", "test");
      PatternSafetyClassifier classifier = new PatternSafetyClassifier(rules);
      // The same pattern as a rule, with no guard: it matches where find() finds it.
      PatternSafetyClassifier asRule =
          new PatternSafetyClassifier(SafetyRules.parse("[tier 2: t]\nre: " + guard + "\n", "t"));
      for (int t = 0; t < 40; t++) {
        String text = RandomRegex.words(random);
        assertEquals(
            spans(findSpans(rules.guards().get(0), text)),
            spans(classifier.guardSpans(text)),
            () -> guard + " in \"" + text + "\"");
        String normal = asRule.normalized(text);
        boolean found = !normal.isEmpty() && rules.guards().get(0).matcher(normal).find();
        assertEquals(
            found ? SafetyTier.MODERATE : SafetyTier.NORMAL,
            asRule.assess(text).tier(),
            () -> guard + " as a rule on \"" + text + "\"");
        compared++;
      }
    }
    assertTrue(compared > 0);
  }

  private static List<int[]> findSpans(Pattern pattern, String text) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      if (m.end() > m.start()) {
        spans.add(new int[] {m.start(), m.end()});
      }
    }
    return spans;
  }

  private static List<String> spans(List<int[]> spans) {
    return spans.stream().map(s -> s[0] + "-" + s[1]).collect(Collectors.toList());
  }

  /** Random regexes and texts over a small alphabet, so that matches are common. */
  private static final class RandomRegex {
    private static final String[] ATOMS = {
      "a",
      "b",
      "c",
      " ",
      "'",
      "aa",
      "ab",
      "bc",
      "\\.",
      "\\-",
      "[ab]",
      "[a-c]",
      "[^a]",
      "[\\s-]",
      "\\s",
      "\\w",
      ".",
      "\\b",
      "^",
      "$",
      "\\Qa.\\E",
      "[ab']",
      "(?<=a)",
      "(?<!b)"
    };

    static String of(Random random, int depth) {
      if (depth == 0 || random.nextInt(4) == 0) {
        return ATOMS[random.nextInt(ATOMS.length)];
      }
      String a = of(random, depth - 1);
      String b = of(random, depth - 1);
      switch (random.nextInt(12)) {
        case 0:
          return a + "|" + b;
        case 1:
          return "(?:" + a + "|" + b + ")";
        case 2:
          return "(" + a + ")" + b;
        case 3:
          return "(?:" + a + ")" + "?*+".charAt(random.nextInt(3)) + b;
        case 4:
          return "(?:"
              + a
              + ")"
              + new String[] {"{0,2}", "{1,3}", "{2}", "*?", "+?", "??"}[random.nextInt(6)];
        case 5:
          return "(?=" + a + ")" + b;
        case 6:
          return "(?!" + a + ")" + b;
        case 7:
          return "(?<n" + random.nextInt(1000) + ">" + a + ")" + b;
        case 8:
          return "(?s)" + a + b;
        default:
          return a + b;
      }
    }

    static String text(Random random) {
      StringBuilder out = new StringBuilder();
      for (int i = random.nextInt(10); i > 0; i--) {
        out.append("abc '-.".charAt(random.nextInt(7)));
      }
      return out.toString();
    }

    static String words(Random random) {
      String[] words = {"i", "so", "o", "a", "die", "xdie", "diea", "i o", ".", "sodie"};
      StringBuilder out = new StringBuilder();
      for (int i = random.nextInt(8); i > 0; i--) {
        out.append(words[random.nextInt(words.length)]).append(random.nextInt(5) == 0 ? "" : " ");
      }
      return out.toString();
    }
  }
}
