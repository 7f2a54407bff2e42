package dev.mia.core.safety;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The safety net of the classifier's shortcuts (fast normalisation, the string prefilter, lazy
 * guards, the {LEAD} guard search): over every dev-set message and a few thousand generated
 * variants, the classifier must give exactly what the straightforward way gives, which normalises
 * with {@link ReferenceChatNormalizer}, finds every guard's matches and tries every rule in order.
 * Beyond the final assessment it checks each step: the normalised text, that no rule or guard the
 * prefilter skips could have matched, and the guard spans.
 */
class PatternSafetyClassifierEquivalenceTest {
  private static final String DEV_SET = "shared/eval/safety-age-dev.jsonl";

  private static SafetyRules rules;
  private static PatternSafetyClassifier classifier;
  private static ReferenceChatNormalizer reference;
  private static List<String> messages;

  @BeforeAll
  static void setUp() throws IOException {
    rules = SafetyRules.builtIn();
    classifier = new PatternSafetyClassifier(rules);
    reference = new ReferenceChatNormalizer(rules.vocabulary(), rules.spellings());
    List<String> devSet = devSetTexts();
    Set<String> all = new LinkedHashSet<>(devSet);
    all.addAll(TRICKY);
    Random random = new Random(20240611);
    for (String text : devSet) {
      for (int i = 0; i < 6; i++) {
        all.add(Variants.mutate(text, devSet, random));
      }
    }
    List<String> words = new ArrayList<>(rules.vocabulary());
    words.sort(null);
    words.addAll(Variants.LEAD_WORDS);
    words.addAll(Variants.COMMON_WORDS);
    for (int i = 0; i < 800; i++) {
      all.add(Variants.mutate(Variants.wordSoup(words, random), devSet, random));
    }
    // Guard wording after runs of {LEAD} words, beside crisis wording the guards must not hide.
    List<String> phrases = new ArrayList<>(Variants.GUARD_PHRASES);
    phrases.addAll(Variants.LEAD_WORDS);
    for (int i = 0; i < 400; i++) {
      all.add(Variants.wordSoup(phrases, random));
    }
    messages = List.copyOf(all);
  }

  /** Hand-picked inputs for the edges of the fast paths. */
  private static final List<String> TRICKY =
      List.of(
          "",
          " ",
          "sui.cide, over.dose, i.e. e.g. a.b.c d.ie.",
          "k!ll m¥self, €nd it, §uicide, ¢ut",
          "i w a n t t o d i e, a b c d, t o t h e e n d",
          "\t\n",
          "I\u2019M \u201CFINE\u201D",
          "ｓｕｉｃｉｄｅ café",
          "ki\u200bll myself",
          "  i \n\t want   to  die ",
          "soooooo tired, i want to dieeeeee",
          "su1cide k1ll s*icide d!e d!e!!! *sigh* sh*t",
          "d*e", // spells two vocabulary words
          "i want to d i e, s.u.i.c.i.d.e, k-i-l-l m-y-s-e-l-f",
          "a b c",
          "im going to kms, him",
          "im 14f, 2nd place",
          "\uD800\uDF30im \uD800\uDF30\uD800\uDF30\uD800\uDF30 dieee", // Gothic letters
          "\uD83D\uDE2D i want to die \uD83D\uDE2D", // emoji
          "\uD800", // a lone surrogate
          "dye my hair blue. i want to die my hair pink. i'll just die it black",
          "i want to end it with him. ending things with her tonight. i want to end it all",
          "i'll be here to help, i won't make it to practice, i can't be here anymore",
          "i want to take my life back, i want to take my life",
          "i was so ready to end it for today lol but then i wanted to end it all",
          "my mom is going to kill me, my mom is going to kill me if i tell",
          "wanna wana want 2 gonna dont cant ive im iam u ur rn idk ngl sh'ing sh-ing shing",
          "'im' x'im im' im'");

  @Test
  void normalisedTextIsTheSame() {
    for (String message : messages) {
      assertEquals(
          reference.normalize(message), classifier.normalized(message), () -> show(message));
    }
  }

  @Test
  void assessmentIsTheSame() {
    for (String message : messages) {
      assertEquals(referenceAssess(message), classifier.assess(message), () -> show(message));
    }
  }

  @Test
  void noSkippedRuleOrGuardCouldHaveMatched() {
    List<Pattern> patterns = allPatterns();
    for (String message : messages) {
      String text = reference.normalize(message);
      boolean[] possible = classifier.possible(text);
      for (int i = 0; i < patterns.size(); i++) {
        if (!possible[i]) {
          Pattern pattern = patterns.get(i);
          assertFalse(
              pattern.matcher(text).find(), () -> "skipped " + pattern + " matches " + show(text));
        }
      }
    }
  }

  @Test
  void guardSpansAreTheSame() {
    for (String message : messages) {
      String text = reference.normalize(message);
      assertEquals(
          spans(referenceGuardSpans(text)), spans(classifier.guardSpans(text)), () -> show(text));
    }
  }

  @Test
  void theCorpusExercisesEveryPath() {
    // If the generated corpus stopped reaching these, the checks above would prove less.
    List<Pattern> leadGuards =
        rules.guards().stream()
            .filter(g -> RegexRequirements.leadingWords(g.pattern()) != null)
            .collect(Collectors.toList());
    long critical = messages.stream().filter(m -> referenceAssess(m).tier().level() == 3).count();
    long normal = messages.stream().filter(m -> referenceAssess(m).tier().level() == 1).count();
    long guarded =
        messages.stream()
            .filter(m -> !referenceGuardSpans(reference.normalize(m)).isEmpty())
            .count();
    long leadGuarded =
        messages.stream()
            .map(reference::normalize)
            .filter(text -> leadGuards.stream().anyMatch(g -> g.matcher(text).find()))
            .count();
    String counts = critical + "/" + normal + "/" + guarded + "/" + leadGuarded;
    assertFalse(leadGuards.size() < 6, "the {LEAD} guards are no longer recognised");
    assertFalse(critical < 500 || normal < 500 || guarded < 300 || leadGuarded < 150, counts);
  }

  // --- the straightforward way ------------------------------------------------------------------

  private static SafetyAssessment referenceAssess(String message) {
    String text = reference.normalize(message);
    if (text.isEmpty()) {
      return SafetyAssessment.NORMAL;
    }
    List<int[]> guarded = referenceGuardSpans(text);
    for (SafetyRules.Rule rule : rules.rules()) {
      Matcher m = rule.pattern().matcher(text);
      int from = 0;
      while (from <= text.length() && m.find(from)) {
        int start = m.start();
        int end = m.end();
        if (guarded.stream().noneMatch(span -> span[0] <= start && end <= span[1])) {
          return new SafetyAssessment(rule.tier(), rule.category());
        }
        from = start + 1;
      }
    }
    return SafetyAssessment.NORMAL;
  }

  private static List<int[]> referenceGuardSpans(String text) {
    List<int[]> spans = new ArrayList<>();
    for (Pattern guard : rules.guards()) {
      Matcher m = guard.matcher(text);
      while (m.find()) {
        if (m.end() > m.start()) {
          spans.add(new int[] {m.start(), m.end()});
        }
      }
    }
    return spans;
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static List<Pattern> allPatterns() {
    List<Pattern> patterns = new ArrayList<>();
    rules.rules().forEach(rule -> patterns.add(rule.pattern()));
    patterns.addAll(rules.guards());
    return patterns;
  }

  private static List<String> spans(List<int[]> spans) {
    return spans.stream().map(s -> s[0] + "-" + s[1]).collect(Collectors.toList());
  }

  private static String show(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.chars()
        .forEach(
            c ->
                out.append(
                    c >= 0x20 && c < 0x7f
                        ? String.valueOf((char) c)
                        : String.format("\\u%04x", c)));
    return out.append('"').toString();
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

  /** Seeded rewrites of messages in the ways chat text varies, to reach every normaliser pass. */
  static final class Variants {
    private Variants() {}

    static final List<String> LEAD_WORDS =
        List.of(
            "i",
            "i'm",
            "i am",
            "i'll",
            "i've",
            "want",
            "wanted",
            "need",
            "ready",
            "going",
            "gonna",
            "about",
            "just",
            "really",
            "probably",
            "should",
            "to",
            "so",
            "honestly",
            "all");

    static final List<String> COMMON_WORDS =
        List.of(
            "the", "a", "my", "me", "and", "it", "is", "was", "with", "for", "on", "in", "of",
            "hair", "blue", "pink", "black", "him", "her", "things", "early", "here", "there",
            "back", "home", "life", "mom", "dad", "hit", "kill", "going", "will", "12", "14",
            "years", "old", ".", ",", "!", "?", "lol", "hi", "hey");

    static final List<String> GUARD_PHRASES =
        List.of(
            "die my hair blue",
            "die it black",
            "die the ends pink again",
            "die",
            "end it with him",
            "ending things between us",
            "end it early",
            "end things for today",
            "end it all",
            "take my life back",
            "take my own life",
            "make it to practice",
            "make it to 18",
            "be here on time",
            "be around to help",
            "kill myself",
            "want to die",
            ",",
            ".");

    private static final String[][] CHAT =
        new String[][] {
          {"want to", "wanna"},
          {"i'm", "im"},
          {"I'm", "im"},
          {"don't", "dont"},
          {"going to", "gonna"},
          {"kill myself", "kms"},
          {"you", "u"},
          {"because", "bc"},
          {"i am", "iam"}
        };

    static String wordSoup(List<String> words, Random random) {
      int n = 2 + random.nextInt(12);
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < n; i++) {
        out.append(i == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
      }
      return out.toString();
    }

    static String mutate(String text, List<String> others, Random random) {
      String s = text;
      for (int ops = 1 + random.nextInt(3); ops > 0; ops--) {
        s = mutateOnce(s, others, random);
      }
      return s;
    }

    private static String mutateOnce(String s, List<String> others, Random random) {
      String[] words = s.split(" ", -1);
      int w = random.nextInt(words.length);
      int at = s.isEmpty() ? 0 : random.nextInt(s.length());
      switch (random.nextInt(20)) {
        case 0:
          return s.toUpperCase(Locale.ROOT);
        case 1:
          return s.replace('\'', '\u2019').replace("\"", "\u201C");
        case 2:
          return s.replaceFirst("e", "\u00E9").replaceFirst("o", "o\u0301");
        case 3:
          return s.substring(0, at) + "\u200B" + s.substring(at);
        case 4:
          // stretch a letter
          if (!s.isEmpty() && Character.isLetter(s.charAt(at))) {
            return s.substring(0, at)
                + String.valueOf(s.charAt(at)).repeat(2 + random.nextInt(4))
                + s.substring(at + 1);
          }
          return s;
        case 5:
          // digit and symbol swaps in one word
          words[w] =
              words[w]
                  .replace('i', random.nextBoolean() ? '1' : '!')
                  .replace('e', '3')
                  .replace('a', '@')
                  .replace('s', '$')
                  .replace('o', '0');
          return String.join(" ", words);
        case 6:
          // mask one letter
          if (words[w].length() > 2) {
            int i = random.nextInt(words[w].length());
            words[w] =
                words[w].substring(0, i)
                    + "*#_".charAt(random.nextInt(3))
                    + words[w].substring(i + 1);
          }
          return String.join(" ", words);
        case 7:
          // space the letters out
          words[w] =
              String.join(String.valueOf(" .-_*".charAt(random.nextInt(5))), words[w].split(""));
          return String.join(" ", words);
        case 8:
          for (String[] pair : CHAT) {
            if (random.nextBoolean()) {
              s = s.replace(pair[0], pair[1]);
            }
          }
          return s;
        case 9:
          StringBuilder lead = new StringBuilder();
          for (int i = 1 + random.nextInt(4); i > 0; i--) {
            lead.append(LEAD_WORDS.get(random.nextInt(LEAD_WORDS.size()))).append(' ');
          }
          return lead + s;
        case 10:
          return s + ". " + others.get(random.nextInt(others.size()));
        case 11:
          return s.substring(0, at);
        case 12:
          return s.substring(at);
        case 13:
          List<String> kept = new ArrayList<>(List.of(words));
          kept.remove(w);
          return String.join(" ", kept);
        case 14:
          return s.replace(
              " ", new String[] {"  ", "\t", " \n ", "\u00A0", "\u3000"}[random.nextInt(5)]);
        case 15:
          StringBuilder wide = new StringBuilder();
          s.chars()
              .forEach(
                  c ->
                      wide.append(
                          c >= 'a' && c <= 'z' && random.nextInt(3) == 0
                              ? (char) (c - 'a' + 0xFF41)
                              : (char) c));
          return wide.toString();
        case 16:
          return s
              + new String[] {
                    "!!!", "...", " lol", " :(", " \uD83D\uDE2D", " (14)", " 14f", " 2nd", "?"
                  }
                  [random.nextInt(9)];
        case 17:
          return s.substring(0, at) + "\uD800\uDF30" + s.substring(at); // a letter beyond the BMP
        case 18:
          words[w] = words[w] + words[w];
          return String.join(" ", words);
        default:
          return s.toLowerCase(Locale.ROOT).replace("ss", "\u00DF").replace("fi", "\uFB01");
      }
    }
  }
}
