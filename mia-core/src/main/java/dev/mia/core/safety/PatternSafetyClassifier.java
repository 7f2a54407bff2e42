package dev.mia.core.safety;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default classifier: phrase and pattern rules, tier 3 before tier 2, matched against the
 * message after {@link ChatNormalizer normalisation}, with guards for known harmless wording.
 *
 * <p>A guard never hides a message: it hides only a rule match that lies wholly inside the guard's
 * own match. "This homework is killing me" matches no rule, and "to die for" can hide a bare "die"
 * inside it, but a crisis phrase elsewhere in the same message still matches, because it is outside
 * every guard. The first tier 3 rule that matches decides; else the first tier 2 rule; else tier 1.
 *
 * <p>Speed: this runs before every reply, and running some 300 regexes over every message costs
 * about a millisecond. So each rule and guard gets, when it is built, the strings its regex cannot
 * match without ({@link RegexRequirements}), and one pass of a {@link StringScanner} over the
 * message tells which rules and guards can match at all; only those run. Guards run only once a
 * rule has a match to check against them. A guard that begins with {@code {LEAD}}, a repeated group
 * of optional words, is not tried at every char: see {@link Finder}. Each shortcut skips only work
 * whose outcome is known, so the result is the same as running every guard and rule.
 *
 * <p>Immutable and thread-safe: compiled patterns are shared, matchers are made per call.
 */
final class PatternSafetyClassifier implements SafetyClassifier {
  private final SafetyRules rules;
  private final ChatNormalizer normalizer;

  /** Ids 0 to rules-1 are the rules, in order; then the guards. */
  private final StringScanner scanner;

  /** The rules' patterns, in order, then the guards'. */
  private final List<Finder> finders = new ArrayList<>();

  PatternSafetyClassifier(SafetyRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules == null");
    this.normalizer = new ChatNormalizer(rules.vocabulary(), rules.spellings());
    List<Pattern> patterns = new ArrayList<>();
    rules.rules().forEach(rule -> patterns.add(rule.pattern()));
    patterns.addAll(rules.guards());
    List<Set<String>> required = new ArrayList<>();
    for (Pattern pattern : patterns) {
      required.add(RegexRequirements.of(pattern.pattern()));
      finders.add(new Finder(pattern));
    }
    this.scanner = new StringScanner(required);
  }

  @Override
  public SafetyAssessment assess(String message) {
    Objects.requireNonNull(message, "message == null");
    String text = normalizer.normalize(message);
    if (text.isEmpty()) {
      return SafetyAssessment.NORMAL;
    }
    boolean[] possible = scanner.possible(text);
    List<SafetyRules.Rule> ruleList = rules.rules();
    GuardSpans guarded = new GuardSpans(text, possible, ruleList.size());
    for (int i = 0; i < ruleList.size(); i++) {
      SafetyRules.Rule rule = ruleList.get(i);
      if (possible[i] && finders.get(i).matchesOutside(text, guarded)) {
        return new SafetyAssessment(rule.tier(), rule.category());
      }
    }
    return SafetyAssessment.NORMAL;
  }

  /** {@return the text the rules see, for tests and rule authors} */
  String normalized(String message) {
    return normalizer.normalize(message);
  }

  /** {@return for each rule, then each guard, whether it may match {@code text}} (for tests) */
  boolean[] possible(String text) {
    return scanner.possible(text);
  }

  /** {@return the guard spans of {@code text}, found as {@link #assess} finds them} (for tests) */
  List<int[]> guardSpans(String text) {
    return new GuardSpans(text, scanner.possible(text), rules.rules().size()).find();
  }

  /** The spans of every guard match, found on first use: most messages match no rule at all. */
  private final class GuardSpans {
    private final String text;
    private final boolean[] possible;
    private final int firstGuard;
    private List<int[]> spans;

    GuardSpans(String text, boolean[] possible, int firstGuard) {
      this.text = text;
      this.possible = possible;
      this.firstGuard = firstGuard;
    }

    boolean cover(int start, int end) {
      if (spans == null) {
        spans = find();
      }
      for (int[] span : spans) {
        if (span[0] <= start && end <= span[1]) {
          return true;
        }
      }
      return false;
    }

    private List<int[]> find() {
      List<int[]> found = new ArrayList<>();
      for (int id = firstGuard; id < finders.size(); id++) {
        if (possible[id]) { // else it cannot match, so it has no spans
          finders.get(id).addSpans(text, found);
        }
      }
      return found;
    }
  }

  /**
   * Finds the matches of one rule or guard, as {@link Matcher#find} does.
   *
   * <p>A pattern that begins with a repeated group of known words ({@link
   * RegexRequirements#leadingWords}), like the guards that begin with {@code {LEAD}}, is slow to
   * find: at every char the engine tries the group's fifty words with no literal to skip to. But a
   * match can only start where the rest of the pattern matches, or a run of the words before that.
   * So the rest is found first (it begins with a literal, "die" or "end"), the possible starts are
   * walked back over the words, and the whole pattern is tried only at those starts, in order, with
   * {@link Matcher#lookingAt} in a region that sees the whole text. That finds the same matches as
   * {@code find}, which tries every start in order.
   */
  private static final class Finder {
    private final Pattern pattern;
    private final Pattern rest;
    private final List<String> words;

    Finder(Pattern pattern) {
      this.pattern = pattern;
      RegexRequirements.LeadingWords lead = RegexRequirements.leadingWords(pattern.pattern());
      this.rest = lead == null ? null : Pattern.compile(lead.rest());
      this.words = lead == null ? List.of() : List.copyOf(lead.words());
    }

    /** {@return whether some match lies outside every guard} */
    boolean matchesOutside(String text, GuardSpans guarded) {
      Matcher m = matcher(text);
      boolean[] starts = starts(text);
      int from = 0;
      while (from <= text.length() && find(m, starts, from)) {
        if (!guarded.cover(m.start(), m.end())) {
          return true;
        }
        // Look again from the next character: a later, unguarded match may overlap this one.
        from = m.start() + 1;
      }
      return false;
    }

    /** Adds the span of each successive non-empty match, as a {@code while (m.find())} loop. */
    void addSpans(String text, List<int[]> spans) {
      Matcher m = matcher(text);
      if (rest == null) {
        while (m.find()) {
          if (m.end() > m.start()) {
            spans.add(new int[] {m.start(), m.end()});
          }
        }
        return;
      }
      boolean[] starts = starts(text);
      int from = 0;
      while (from <= text.length() && find(m, starts, from)) {
        if (m.end() > m.start()) {
          spans.add(new int[] {m.start(), m.end()});
        }
        // find() goes on at the end of the last match, or one further after an empty match.
        from = m.end() == m.start() ? m.end() + 1 : m.end();
      }
    }

    private Matcher matcher(String text) {
      if (rest == null) {
        return pattern.matcher(text);
      }
      // Transparent bounds: a lookbehind or \b at a region's start sees the text before it; and
      // without anchoring bounds, ^ matches only at the start of the text.
      return pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
    }

    /** {@return {@code m.find(from)}, trying only the possible starts if they are known} */
    private static boolean find(Matcher m, boolean[] starts, int from) {
      if (starts == null) {
        return m.find(from);
      }
      int end = starts.length - 1;
      for (int at = from; at <= end; at++) {
        if (starts[at]) {
          m.region(at, end);
          if (m.lookingAt()) {
            return true;
          }
        }
      }
      return false;
    }

    /** {@return where a match can start, or null to try everywhere} */
    private boolean[] starts(String text) {
      if (rest == null) {
        return null;
      }
      boolean[] starts = new boolean[text.length() + 1];
      Matcher r = rest.matcher(text);
      List<Integer> todo = new ArrayList<>();
      for (int from = 0; from <= text.length() && r.find(from); from = r.start() + 1) {
        todo.add(r.start());
        while (!todo.isEmpty()) {
          int at = todo.remove(todo.size() - 1);
          if (starts[at]) {
            continue; // the words before it were walked already
          }
          starts[at] = true;
          for (String word : words) {
            if (text.startsWith(word, at - word.length())) {
              todo.add(at - word.length());
            }
          }
        }
      }
      return starts;
    }
  }

  /**
   * Finds in one pass which of many sets of strings have a member in a text (an Aho-Corasick
   * automaton over the {@link ChatNormalizer#squeeze squeezed} text, as the sets are squeezed). A
   * set that is null is not known and always counts as found.
   */
  static final class StringScanner {
    private final boolean[] unknown;

    /** The symbol of each char below 128; 0 is a char in no string. */
    private final int[] asciiSymbols = new int[128];

    /** The symbols of the other chars in some string. */
    private final Map<Character, Integer> otherSymbols = new HashMap<>();

    private final int symbolCount;

    /** The state after each state and symbol: {@code next[state * symbolCount + symbol]}. */
    private final int[] next;

    /** The ids of the sets with a member ending at each state, or null. */
    private final int[][] found;

    StringScanner(List<Set<String>> sets) {
      unknown = new boolean[sets.size()];
      Set<Character> chars = new TreeSet<>();
      for (Set<String> set : sets) {
        if (set != null) {
          for (String s : set) {
            for (char c : s.toCharArray()) {
              chars.add(c);
            }
          }
        }
      }
      int symbols = 1;
      for (char c : chars) {
        if (c < 128) {
          asciiSymbols[c] = symbols++;
        } else {
          otherSymbols.put(c, symbols++);
        }
      }
      symbolCount = symbols;

      // A trie of all the strings, its edges kept in next (0: no edge), each state noting the
      // sets of the strings that end there.
      int maxStates = 1;
      for (Set<String> set : sets) {
        if (set != null) {
          for (String s : set) {
            maxStates += s.length();
          }
        }
      }
      int[] edges = new int[maxStates * symbolCount];
      List<List<Integer>> ends = new ArrayList<>(List.of(new ArrayList<>()));
      for (int id = 0; id < sets.size(); id++) {
        Set<String> set = sets.get(id);
        if (set == null) {
          unknown[id] = true;
          continue;
        }
        for (String s : set) {
          int state = 0;
          for (char c : s.toCharArray()) {
            int edge = state * symbolCount + symbol(c);
            if (edges[edge] == 0) {
              edges[edge] = ends.size();
              ends.add(new ArrayList<>());
            }
            state = edges[edge];
          }
          ends.get(state).add(id);
        }
      }

      // Breadth first: the fallback of a state is the state of its longest proper suffix, and a
      // state also ends what its fallback ends. Missing edges go where the fallback's go.
      int states = ends.size();
      next = Arrays.copyOf(edges, states * symbolCount);
      found = new int[states][];
      int[] fallback = new int[states];
      int[] queue = new int[states];
      int head = 0;
      int tail = 0;
      for (int symbol = 1; symbol < symbolCount; symbol++) {
        if (next[symbol] != 0) {
          queue[tail++] = next[symbol];
        }
      }
      while (head < tail) {
        int state = queue[head++];
        found[state] = union(ends.get(state), found[fallback[state]]);
        for (int symbol = 1; symbol < symbolCount; symbol++) {
          int edge = state * symbolCount + symbol;
          int viaFallback = next[fallback[state] * symbolCount + symbol];
          if (next[edge] == 0) {
            next[edge] = viaFallback;
          } else {
            fallback[next[edge]] = viaFallback;
            queue[tail++] = next[edge];
          }
        }
      }
    }

    /** {@return the ids of both, sorted and once each, or null if none} */
    private static int[] union(List<Integer> own, int[] inherited) {
      if (own.isEmpty()) {
        return inherited;
      }
      TreeSet<Integer> ids = new TreeSet<>(own);
      if (inherited != null) {
        Arrays.stream(inherited).forEach(ids::add);
      }
      return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private int symbol(char c) {
      return c < 128 ? asciiSymbols[c] : otherSymbols.getOrDefault(c, 0);
    }

    /**
     * {@return for each set, whether {@code text} holds a member of it once squeezed}, always true
     * for an unknown set
     */
    boolean[] possible(String text) {
      boolean[] possible = Arrays.copyOf(unknown, unknown.length);
      int state = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (i > 0 && c == text.charAt(i - 1)) {
          continue; // squeezing: a run of one char reads as one char
        }
        state = next[state * symbolCount + symbol(c)];
        int[] ids = found[state];
        if (ids != null) {
          for (int id : ids) {
            possible[id] = true;
          }
        }
      }
      return possible;
    }
  }
}
