package dev.mia.core.profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The patterns and word lists of a {@link PatternAgeDetector}, read from one or more rule files
 * (the format is described in the header of {@code age-rules.txt}, the built-in file). Immutable.
 *
 * @param current patterns of a stated current age, each capturing the group {@code age}
 * @param future patterns of a coming age ("turning 13"), used when no current age is found
 * @param spellings chat spellings and their expansions
 * @param measureWords words and short phrases that make a number before them a measure
 * @param pluralOk words ending in "s" that may follow an age
 * @param ageSuffixes letters that may be attached to an age
 * @param afterYears words that may follow "N years" in an age
 */
record AgeRules(
    List<Pattern> current,
    List<Pattern> future,
    Map<String, String> spellings,
    Set<String> measureWords,
    Set<String> pluralOk,
    Set<String> ageSuffixes,
    Set<String> afterYears) {

  /** The built-in rule file, beside this class. */
  static final String BUILT_IN = "age-rules.txt";

  /** The number a pattern captures; digits not followed by another digit. */
  static final String AGE = "(?<age>\\d{1,3})(?!\\d)";

  private static final Pattern DEFINE =
      Pattern.compile("@define\\s+([A-Z][A-Z0-9_]*)\\s*=\\s*(.+)");
  private static final Pattern SECTION = Pattern.compile("\\[\\s*([a-z-]+)\\s*]");
  private static final Pattern MACRO = Pattern.compile("\\{([A-Z][A-Z0-9_]*)}");
  private static final Set<String> WORD_SECTIONS =
      Set.of("measure-words", "plural-ok", "age-suffixes", "after-years");

  AgeRules {
    current = List.copyOf(current);
    future = List.copyOf(future);
    spellings = Map.copyOf(spellings);
    measureWords = Set.copyOf(measureWords);
    pluralOk = Set.copyOf(pluralOk);
    ageSuffixes = Set.copyOf(ageSuffixes);
    afterYears = Set.copyOf(afterYears);
  }

  /** {@return the built-in rules} */
  static AgeRules builtIn() {
    return new Parser().addBuiltIn().build();
  }

  /**
   * {@return the built-in rules plus those of an operator's file}
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and line of the first bad line
   */
  static AgeRules builtInPlus(Path operatorFile) throws IOException {
    Objects.requireNonNull(operatorFile, "operatorFile == null");
    String text = Files.readString(operatorFile, StandardCharsets.UTF_8);
    return new Parser().addBuiltIn().add(text, operatorFile.toString()).build();
  }

  /** {@return rules from {@code text} alone, without the built-in file (for tests)} */
  static AgeRules parse(String text, String sourceName) {
    return new Parser().add(text, sourceName).build();
  }

  /** Reads rule files one after another; macros defined in one are visible in the next. */
  static final class Parser {
    private final Map<String, String> macros = new HashMap<>(Map.of("AGE", AGE));
    private final List<Pattern> current = new ArrayList<>();
    private final List<Pattern> future = new ArrayList<>();
    private final Map<String, String> spellings = new LinkedHashMap<>();
    private final Map<String, Set<String>> words = new HashMap<>();

    Parser() {
      for (String section : WORD_SECTIONS) {
        words.put(section, new LinkedHashSet<>());
      }
    }

    Parser addBuiltIn() {
      try (InputStream in = AgeRules.class.getResourceAsStream(BUILT_IN)) {
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
      String[] lines = text.split("\\R", -1);
      for (int i = 0; i < lines.length; i++) {
        String where = sourceName + ":" + (i + 1);
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Matcher define = DEFINE.matcher(line);
        if (define.matches()) {
          if (define.group(1).equals("AGE")) {
            throw new IllegalArgumentException(
                where + ": {AGE} is built in and cannot be redefined");
          }
          macros.put(define.group(1), "(?:" + expand(define.group(2).strip(), where) + ")");
          continue;
        }
        if (line.startsWith("@")) {
          throw new IllegalArgumentException(
              where + ": expected '@define NAME = regex' (NAME in capitals), got: " + line);
        }
        Matcher header = SECTION.matcher(line.toLowerCase(Locale.ROOT));
        if (header.matches()) {
          section = header.group(1);
          if (!section.equals("current")
              && !section.equals("future")
              && !section.equals("spellings")
              && !WORD_SECTIONS.contains(section)) {
            throw new IllegalArgumentException(
                where
                    + ": unknown section ["
                    + section
                    + "]; expected [current], [future], [spellings], [measure-words],"
                    + " [plural-ok], [age-suffixes] or [after-years]");
          }
          continue;
        }
        if (section == null) {
          throw new IllegalArgumentException(
              where + ": an entry before any section header; start with e.g. [current]");
        }
        switch (section) {
          case "current" -> current.add(pattern(line, where));
          case "future" -> future.add(pattern(line, where));
          case "spellings" -> spelling(line, where);
          default -> {
            // Entries are separated by commas or line ends; an entry may be a short phrase.
            for (String entry : line.toLowerCase(Locale.ROOT).split(",")) {
              String word = entry.strip().replaceAll("\\s+", " ");
              if (!word.isEmpty()) {
                words.get(section).add(word);
              }
            }
          }
        }
      }
      return this;
    }

    AgeRules build() {
      return new AgeRules(
          current,
          future,
          spellings,
          words.get("measure-words"),
          words.get("plural-ok"),
          words.get("age-suffixes"),
          words.get("after-years"));
    }

    private void spelling(String line, String where) {
      int eq = line.indexOf('=');
      String from = eq > 0 ? line.substring(0, eq).strip().toLowerCase(Locale.ROOT) : "";
      String to = eq > 0 ? line.substring(eq + 1).strip().toLowerCase(Locale.ROOT) : "";
      if (from.isEmpty() || to.isEmpty()) {
        throw new IllegalArgumentException(
            where + ": expected 'chat spelling = expansion', got: " + line);
      }
      spellings.put(from, to);
    }

    private Pattern pattern(String line, String where) {
      if (!line.startsWith("re:")) {
        throw new IllegalArgumentException(where + ": expected 're: regex', got: " + line);
      }
      String regex = expand(line.substring(3).strip(), where);
      Pattern pattern;
      try {
        pattern = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            where + ": bad regular expression: " + e.getDescription() + " in: " + line, e);
      }
      if (!regex.contains("(?<age>")) {
        throw new IllegalArgumentException(where + ": the pattern must contain {AGE}: " + line);
      }
      return pattern;
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
}
