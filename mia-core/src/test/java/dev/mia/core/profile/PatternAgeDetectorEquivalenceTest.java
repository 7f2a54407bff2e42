package dev.mia.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The safety net of the age detector's shortcuts (fast normalisation, skipping number words and
 * digit patterns when there are none, searching later patterns only before the best age so far):
 * over every dev-set message and a few thousand generated ones, the detector must give exactly what
 * {@link ReferenceAgeDetector}, the straightforward way, gives, and the same normalised text.
 */
class PatternAgeDetectorEquivalenceTest {
  private static final String DEV_SET = "shared/eval/safety-age-dev.jsonl";

  private static PatternAgeDetector detector;
  private static ReferenceAgeDetector reference;
  private static List<String> messages;

  @BeforeAll
  static void setUp() throws IOException {
    AgeRules rules = AgeRules.builtIn();
    detector = new PatternAgeDetector(rules);
    reference = new ReferenceAgeDetector(rules);
    List<String> devSet = devSetTexts();
    Set<String> all = new LinkedHashSet<>(devSet);
    all.addAll(TRICKY);
    Random random = new Random(20240611);
    for (String text : devSet) {
      for (int i = 0; i < 6; i++) {
        all.add(mutate(text, devSet, random));
      }
    }
    for (int i = 0; i < 2000; i++) {
      all.add(mutate(soup(random), devSet, random));
    }
    messages = List.copyOf(all);
  }

  private static final List<String> TRICKY =
      List.of(
          "",
          "I\u2019m 14",
          "I’M FOURTEEN",
          "ｉ’ｍ １４",
          "i\u200bm 12",
          "im   13 \t turning 14",
          "iam 9, ima 10 year old",
          "i m 15",
          "I'm 5 minutes away, i'm 13 though",
          "my brother is 8 and i'm 11",
          "i am twenty-one, she is twenty one, one hundred percent",
          "someone phoned at ten, i'm often alone",
          "\uD800\uDF30im 14 \uD83D\uDE2D",
          "hi 14f here. 15m btw",
          "me (12) and my sister (9)",
          "age: 16; my age is 17",
          "i just turned 9!!! turning 10 next year, i'll be 11",
          "x1234 i'm 123 i'm 4 i'm 101 i'm 100",
          // A later pattern must not match inside a word before the best age so far.
          "whas a 12 year old, i'm 13",
          "xi turned 12, i'm 13",
          "kme (12) i'm 13",
          "oh14 yo, i'm 15");

  @Test
  void normalisedTextIsTheSame() {
    for (String message : messages) {
      assertEquals(reference.normalize(message), detector.normalize(message), message);
    }
  }

  @Test
  void detectedAgeIsTheSame() {
    for (String message : messages) {
      assertEquals(reference.detect(message), detector.detect(message), message);
    }
  }

  @Test
  void theCorpusExercisesEveryPath() {
    long withAge = messages.stream().filter(m -> reference.detect(m).isPresent()).count();
    long withWords =
        messages.stream()
            .filter(m -> !ReferenceAgeDetector.numberWordsToDigits(m).equals(m))
            .count();
    assertFalse(withAge < 500 || withWords < 300, withAge + "/" + withWords);
  }

  private static final List<String> WORDS =
      List.of(
          "i'm",
          "im",
          "i am",
          "i",
          "a",
          "an",
          "like",
          "only",
          "just",
          "turning",
          "turned",
          "about",
          "to",
          "be",
          "almost",
          "i'll",
          "age",
          "age:",
          "my",
          "is",
          "as",
          "me",
          "(",
          ")",
          "hi",
          "hey",
          "so",
          "ok",
          ",",
          ".",
          "!",
          "years",
          "year",
          "old",
          "yo",
          "y/o",
          "f",
          "m",
          "and",
          "a",
          "half",
          "minutes",
          "feet",
          "away",
          "%",
          "2nd",
          "pages",
          "guys",
          "next",
          "week",
          "brother",
          "sister",
          "when",
          "was",
          "one",
          "two",
          "nine",
          "ten",
          "twelve",
          "thirteen",
          "fourteen",
          "fifteen",
          "sixteen",
          "twenty",
          "twenty-one",
          "hundred",
          "someone",
          "often");

  private static String soup(Random random) {
    StringBuilder out = new StringBuilder();
    for (int i = 2 + random.nextInt(10); i > 0; i--) {
      if (random.nextInt(4) == 0) {
        out.append(random.nextInt(130));
      } else {
        out.append(WORDS.get(random.nextInt(WORDS.size())));
      }
      out.append(random.nextInt(6) == 0 ? "" : " ");
    }
    return out.toString();
  }

  private static String mutate(String text, List<String> others, Random random) {
    String s = text;
    int at = s.isEmpty() ? 0 : random.nextInt(s.length());
    switch (random.nextInt(11)) {
      case 9:
        // glue a letter or digit onto a word
        return s.substring(0, at) + "xo7".charAt(random.nextInt(3)) + s.substring(at);
      case 0:
        return s.toUpperCase(Locale.ROOT);
      case 1:
        return s.replace('\'', '\u2019');
      case 2:
        return s.substring(0, at) + "\u200B" + s.substring(at);
      case 3:
        return s.replace(" ", new String[] {"  ", "\t", " \n ", "\u00A0"}[random.nextInt(4)]);
      case 4:
        return s + ", " + others.get(random.nextInt(others.size()));
      case 5:
        return s.substring(at);
      case 6:
        return s.replace("I'm", "im").replace("i'm", "im").replace("I am", "iam");
      case 7:
        return s.substring(0, at) + "\uD800\uDF30" + s.substring(at);
      case 8:
        return s.replaceFirst("e", "\u00E9");
      default:
        return s;
    }
  }

  /** The dev set's messages; like {@code DevSetTargetsTest}, it fails without the set. */
  private static List<String> devSetTexts() throws IOException {
    String override = System.getProperty("mia.devset");
    Path path = null;
    if (override != null && !override.isBlank()) {
      path = Path.of(override);
    } else {
      for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
          dir != null && path == null;
          dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(DEV_SET))) {
          path = dir.resolve(DEV_SET);
        }
      }
    }
    if (path == null || !Files.isRegularFile(path)) {
      fail("the dev set " + DEV_SET + " was not found above " + System.getProperty("user.dir"));
    }
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        texts.add(json.readTree(line).get("text").asText());
      }
    }
    return texts;
  }
}
