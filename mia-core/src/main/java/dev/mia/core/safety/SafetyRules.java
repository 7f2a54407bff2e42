package dev.mia.core.safety;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rules of a {@link PatternSafetyClassifier}, read from one or more rule files (the format is
 * described in the header of {@code safety-rules.txt}, the built-in file). Immutable once built.
 * What the classifier derives from the rules' regexes to skip most of them on a given message is
 * {@link RegexRequirements}'s work, not this value's.
 *
 * @param rules tier 3 rules first, then tier 2, each tier in file order
 * @param guards patterns of known harmless wording; a rule match wholly inside one is ignored
 * @param spellings chat spellings and their expansions
 * @param vocabulary words that masked or digit-swapped spellings are restored to
 */
record SafetyRules(
    List<Rule> rules, List<Pattern> guards, Map<String, String> spellings, Set<String> vocabulary) {

  /** The built-in rule file, beside this class. */
  static final String BUILT_IN = "safety-rules.txt";

  private static final Pattern DEFINE =
      Pattern.compile("@define\\s+([A-Z][A-Z0-9_]*)\\s*=\\s*(.+)");
  private static final Pattern SECTION = Pattern.compile("\\[\\s*([^\\]]+?)\\s*]");
  private static final Pattern TIER_SECTION =
      Pattern.compile("tier\\s+([23])\\s*:\\s*([a-z0-9][a-z0-9-]*)");
  private static final Pattern MACRO = Pattern.compile("\\{([A-Z][A-Z0-9_]*)}");
  private static final Pattern WORD = Pattern.compile("[a-z]{3,}");

  /**
   * One rule.
   *
   * @param tier what a match means
   * @param category the label logged for a match
   * @param pattern what to find in normalised text
   * @param source file and line, for messages
   */
  record Rule(SafetyTier tier, String category, Pattern pattern, String source) {}

  SafetyRules {
    rules = List.copyOf(rules);
    guards = List.copyOf(guards);
    spellings = Map.copyOf(spellings);
    vocabulary = Set.copyOf(vocabulary);
  }

  /** {@return the built-in rules} */
  static SafetyRules builtIn() {
    return new Parser().addBuiltIn().build();
  }

  /**
   * {@return the built-in rules plus those of an operator's file}
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and line of the first bad line
   */
  static SafetyRules builtInPlus(Path operatorFile) throws IOException {
    Objects.requireNonNull(operatorFile, "operatorFile == null");
    String text = Files.readString(operatorFile, StandardCharsets.UTF_8);
    return new Parser().addBuiltIn().add(text, operatorFile.toString()).build();
  }

  /** {@return rules from {@code text} alone, without the built-in file (for tests)} */
  static SafetyRules parse(String text, String sourceName) {
    return new Parser().add(text, sourceName).build();
  }

  /** Reads rule files one after another; macros defined in one are visible in the next. */
  static final class Parser {
    private final Map<String, String> macros = new HashMap<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<Pattern> guards = new ArrayList<>();
    private final Map<String, String> spellings = new LinkedHashMap<>();
    private final Set<String> vocabulary = new LinkedHashSet<>();

    Parser addBuiltIn() {
      try (InputStream in = SafetyRules.class.getResourceAsStream(BUILT_IN)) {
        if (in == null) {
          throw new IllegalStateException("built-in rule file " + BUILT_IN + " is missing");
        }
        return add(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUILT_IN);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read built-in rule file " + BUILT_IN, e);
      }
    }

    Parser add(String text, String sourceName) {
      String section = null;
      SafetyTier tier = null;
      String category = null;
      String[] lines = text.split("\\R", -1);
      for (int i = 0; i < lines.length; i++) {
        String where = sourceName + ":" + (i + 1);
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Matcher define = DEFINE.matcher(line);
        if (define.matches()) {
          macros.put(define.group(1), "(?:" + expand(define.group(2).strip(), where) + ")");
          continue;
        }
        if (line.startsWith("@")) {
          throw new IllegalArgumentException(
              where + ": expected '@define NAME = regex' (NAME in capitals), got: " + line);
        }
        Matcher header = SECTION.matcher(line);
        if (header.matches()) {
          String name = header.group(1).toLowerCase(Locale.ROOT);
          Matcher tierHeader = TIER_SECTION.matcher(name);
          if (tierHeader.matches()) {
            section = "tier";
            tier = SafetyTier.ofLevel(Integer.parseInt(tierHeader.group(1)));
            category = tierHeader.group(2);
          } else if (name.equals("guard")
              || name.equals("spellings")
              || name.equals("vocabulary")) {
            section = name;
          } else {
            throw new IllegalArgumentException(
                where
                    + ": unknown section ["
                    + header.group(1)
                    + "]; expected [tier 3: category], [tier 2: category], [guard], [spellings]"
                    + " or [vocabulary]");
          }
          continue;
        }
        if (section == null) {
          throw new IllegalArgumentException(
              where + ": a rule before any section header; start with e.g. [tier 3: category]");
        }
        switch (section) {
          case "tier" -> rules.add(new Rule(tier, category, pattern(line, where), where));
          case "guard" -> guards.add(pattern(line, where));
          case "spellings" -> spelling(line, where);
          default -> vocabularyWords(line, where);
        }
      }
      return this;
    }

    SafetyRules build() {
      List<Rule> ordered = new ArrayList<>(rules);
      // Stable sort: the higher tier is tried first, file order within a tier.
      ordered.sort(Comparator.comparingInt((Rule r) -> -r.tier().level()));
      return new SafetyRules(ordered, guards, spellings, vocabulary);
    }

    private void spelling(String line, String where) {
      int eq = line.indexOf('=');
      if (eq <= 0 || eq == line.length() - 1) {
        throw new IllegalArgumentException(
            where + ": expected 'chat spelling = expansion', got: " + line);
      }
      String from = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String to = line.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
      if (from.isEmpty() || to.isEmpty()) {
        throw new IllegalArgumentException(
            where + ": expected 'chat spelling = expansion', got: " + line);
      }
      spellings.put(from, to);
    }

    private void vocabularyWords(String line, String where) {
      for (String word : line.toLowerCase(Locale.ROOT).split("\\s+")) {
        if (!word.chars().allMatch(Character::isLetter)) {
          throw new IllegalArgumentException(
              where + ": vocabulary words are letters only, got: " + word);
        }
        vocabulary.add(word);
      }
    }

    private Pattern pattern(String line, String where) {
      String regex;
      if (line.startsWith("re:")) {
        regex = expand(line.substring(3).strip(), where);
      } else {
        regex = phrase(line.toLowerCase(Locale.ROOT));
        Matcher words = WORD.matcher(line.toLowerCase(Locale.ROOT));
        while (words.find()) {
          vocabulary.add(words.group());
        }
      }
      try {
        return Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            where + ": bad regular expression: " + e.getDescription() + " in: " + line, e);
      }
    }

    private String expand(String regex, String where) {
      Matcher m = MACRO.matcher(regex);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String body = macros.get(m.group(1));
        if (body == null) {
          throw new IllegalArgumentException(
              where + ": unknown macro {" + m.group(1) + "}; define it first with @define");
        }
        m.appendReplacement(out, Matcher.quoteReplacement(body));
      }
      m.appendTail(out);
      return out.toString();
    }
  }

  /**
   * {@return the regular expression of a literal phrase}: whole words only; a letter may repeat
   * ("die" matches "diee"); an apostrophe may be left out; words may be joined by spaces, a hyphen
   * or nothing ("self harm", "self-harm", "selfharm"); a word ending in {@code *} matches any
   * ending.
   */
  static String phrase(String phrase) {
    StringBuilder regex = new StringBuilder("(?<![\\p{L}\\p{N}])");
    String[] words = phrase.strip().split("\\s+");
    for (int w = 0; w < words.length; w++) {
      if (w > 0) {
        regex.append("[\\s-]*");
      }
      String word = words[w];
      boolean open = word.endsWith("*") && word.length() > 1;
      if (open) {
        word = word.substring(0, word.length() - 1);
      }
      for (int i = 0; i < word.length(); i++) {
        char c = word.charAt(i);
        if (Character.isLetter(c)) {
          regex.append(c).append('+');
        } else if (c == '\'') {
          regex.append("'?");
        } else if (c == '-') {
          regex.append("[\\s-]*");
        } else {
          regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      if (open) {
        regex.append("\\p{L}*");
      }
    }
    return regex.append("(?![\\p{L}\\p{N}])").toString();
  }
}
