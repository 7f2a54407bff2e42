package dev.mia.core.safety;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Derives from a regular expression's syntax, without running it, the literal strings a text must
 * hold for the expression to match: {@link #of} gives a set of strings such that the text holds at
 * least one of them wherever the expression finds a match, and {@link #leadingWords} splits off a
 * leading repeated group of known words. {@link PatternSafetyClassifier} uses the first to skip a
 * rule or guard whose set has no member in the text, and the second to find {@code {LEAD}} patterns
 * quickly. Static methods only; the instances are private, one per analysis.
 *
 * <p>The strings are compared in {@link #squeeze squeezed} form, with each run of one repeated char
 * cut to one char, because phrase rules let any letter repeat ("d+i+e+" matches "ddiee"): squeezed,
 * every match of "d+i+e+" reads "die". If a text holds a match, the squeezed text holds the
 * squeezed match, so squeezed strings required in a match are required in the squeezed text.
 *
 * <p>The analysis is conservative. For each part of the expression it knows (literals, small
 * classes, groups, alternatives, quantifiers, anchors, lookarounds) it keeps two facts: the finite
 * set of squeezed strings the part can match, when that set is small, and a set of which every
 * match holds a member. Anything it does not know, such as a backreference, an inline flag other
 * than {@code s}, {@code m} or {@code d}, or a class intersection, makes the whole expression
 * unknown, and an unknown rule is always run. Lookbehinds, negative lookarounds, {@code \b} and
 * anchors only narrow what a part matches, so they are read as the empty string.
 */
final class RegexRequirements {
  /**
   * The largest set of strings kept for a requirement; larger sets are treated as not known. Larger
   * sets hardly ever make a better requirement, and cost time when the rules are built.
   */
  private static final int MAX_REQUIRED_STRINGS = 32;

  /** The largest set of leading words kept: {LEAD} has fifty. */
  private static final int MAX_LEADING_WORDS = 256;

  /** The largest character class enumerated char by char. */
  private static final int MAX_CLASS = 16;

  private static final Set<String> EMPTY_STRING = Set.of("");

  /**
   * What is known of one part of an expression: {@code exact}, the squeezed forms of every string
   * the part can match, or null if not known; {@code required}, squeezed strings every match holds
   * one of, or null if not known.
   */
  private static final class Info {
    /** {@return what is known of a part that matches only the empty string} */
    static Info empty() {
      return new Info(EMPTY_STRING, null);
    }

    /** {@return what is known of a part that can match anything} */
    static Info any() {
      return new Info(null, null);
    }

    private final Set<String> exact;
    private final Set<String> required;
    private Set<String> best;
    private boolean bestKnown;

    Info(Set<String> exact, Set<String> required) {
      this.exact = exact;
      this.required = required;
    }

    Set<String> exact() {
      return exact;
    }

    Set<String> required() {
      return required;
    }

    /** {@return the more selective of {@link #exact} and {@link #required}, or null} */
    Set<String> best() {
      if (!bestKnown) {
        Set<String> fromExact = exact == null ? null : simplify(exact);
        Set<String> fromRequired = required == null ? null : simplify(required);
        best =
            fromExact == null
                ? fromRequired
                : fromRequired != null && cost(fromRequired) < cost(fromExact)
                    ? fromRequired
                    : fromExact;
        bestKnown = true;
      }
      return best;
    }
  }

  /** The syntax this analysis does not handle; the expression is then not known. */
  private static final class Unknown extends RuntimeException {
    Unknown() {
      super(null, null, false, false);
    }
  }

  private final String regex;

  /** Whether strings are kept squeezed (for requirements) or as written (for leading words). */
  private final boolean squeezed;

  private final int maxStrings;

  private int pos;

  private RegexRequirements(String regex, boolean squeezed) {
    this.regex = regex;
    this.squeezed = squeezed;
    this.maxStrings = squeezed ? MAX_REQUIRED_STRINGS : MAX_LEADING_WORDS;
  }

  /**
   * {@return squeezed strings of which the squeezed text holds at least one wherever {@code regex}
   * (compiled without flags) finds a match, or null if the analysis knows no such set}
   */
  static Set<String> of(String regex) {
    try {
      RegexRequirements parser = new RegexRequirements(regex, true);
      Info info = parser.alternation();
      if (parser.pos != regex.length()) {
        return null;
      }
      return info.best();
    } catch (Unknown e) {
      return null;
    }
  }

  /**
   * A pattern that begins with a repeated group of known words, such as {@code {LEAD}die ...}
   * ({@code (?:(?:i|i'm|...|all) )*die ...}).
   *
   * @param words every string one repetition of the group can match, as written
   * @param rest the pattern after the repeated group, which a match must match where the words end
   */
  record LeadingWords(Set<String> words, String rest) {}

  /**
   * {@return the leading repeated group of {@code regex} and the rest, or null if it has none that
   * this analysis knows} A match of {@code regex} at some position is a run of {@code words}
   * followed by a match of {@code rest}, which {@code rest} compiled alone finds too (also when
   * {@code rest} is a list of alternatives, which then includes more). Not for expressions with
   * inline flags in the group, which could reach into the rest, or with backreferences or {@code
   * \G}, which mean something else in the rest alone.
   */
  static LeadingWords leadingWords(String regex) {
    if (!regex.startsWith("(") || regex.contains("\\k") || regex.contains("\\G")) {
      return null;
    }
    for (int i = 0; i + 1 < regex.length(); i++) {
      if (regex.charAt(i) == '\\' && Character.isDigit(regex.charAt(i + 1))) {
        return null; // a numbered backreference, or near enough
      }
    }
    try {
      RegexRequirements parser = new RegexRequirements(regex, false);
      Info group = parser.leadingRepeat();
      if (group == null || regex.substring(0, parser.pos).matches("(?s).*\\(\\?[a-zA-Z-].*")) {
        return null;
      }
      String rest = regex.substring(parser.pos);
      Set<String> words = group.exact();
      if (words == null || words.isEmpty() || words.contains("") || rest.isEmpty()) {
        return null;
      }
      Pattern.compile(rest);
      return new LeadingWords(Set.copyOf(words), rest);
    } catch (Unknown | PatternSyntaxException e) {
      return null;
    }
  }

  /**
   * Reads a group repeated by {@code *} ({@code *?} and {@code *+} match no more), also inside
   * non-capturing groups that hold nothing else, as a macro makes them: {@code (?:(?:...)*)}.
   * {@return what the repeated group matches, or null with nothing read if no such group}
   */
  private Info leadingRepeat() {
    int start = pos;
    if (regex.startsWith("(?:", pos)) {
      pos += 3;
      Info inner = leadingRepeat();
      if (inner != null && more() && peek() == ')') {
        pos++;
        return inner;
      }
      pos = start;
    }
    if (!more() || peek() != '(') {
      return null;
    }
    Info group = atom();
    if (!more() || peek() != '*') {
      pos = start;
      return null;
    }
    pos++;
    if (more() && (peek() == '?' || peek() == '+')) {
      pos++;
    }
    return group;
  }

  /**
   * {@return {@code text} with each run of one repeated char cut to one char}: "feeling" becomes
   * "feling". A text holding {@code s} has a squeezed form holding {@code squeeze(s)}.
   */
  static String squeeze(String text) {
    return ChatNormalizer.squeeze(text);
  }

  // --- parsing ---------------------------------------------------------------------------

  private boolean more() {
    return pos < regex.length();
  }

  private char peek() {
    return regex.charAt(pos);
  }

  private void expect(char c) {
    if (!more() || peek() != c) {
      throw new Unknown();
    }
    pos++;
  }

  private Info alternation() {
    List<Info> branches = new ArrayList<>();
    branches.add(sequence());
    while (more() && peek() == '|') {
      pos++;
      branches.add(sequence());
    }
    return branches.size() == 1 ? branches.get(0) : union(branches);
  }

  private Info sequence() {
    List<Info> items = new ArrayList<>();
    while (more() && peek() != '|' && peek() != ')') {
      items.add(quantified(atom()));
    }
    return concat(items);
  }

  private Info atom() {
    char c = peek();
    switch (c) {
      case '(':
        return group();
      case '[':
        return chars(charClass());
      case '.':
        pos++;
        return Info.any();
      case '^':
      case '$':
        pos++;
        return Info.empty();
      case '\\':
        return escape();
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Unknown();
      default:
        int cp = regex.codePointAt(pos);
        pos += Character.charCount(cp);
        return literal(new String(Character.toChars(cp)));
    }
  }

  private Info quantified(Info atom) {
    if (!more()) {
      return atom;
    }
    int min;
    int max;
    switch (peek()) {
      case '?' -> {
        min = 0;
        max = 1;
      }
      case '*' -> {
        min = 0;
        max = -1;
      }
      case '+' -> {
        min = 1;
        max = -1;
      }
      case '{' -> {
        int close = regex.indexOf('}', pos);
        if (close < 0) {
          throw new Unknown();
        }
        String[] bounds = regex.substring(pos + 1, close).split(",", -1);
        try {
          min = Integer.parseInt(bounds[0]);
          max =
              bounds.length == 1
                  ? min
                  : bounds.length == 2 && bounds[1].isEmpty()
                      ? -1
                      : bounds.length == 2 ? Integer.parseInt(bounds[1]) : -2;
        } catch (NumberFormatException e) {
          throw new Unknown();
        }
        if (max == -2 || (max >= 0 && max < min)) {
          throw new Unknown();
        }
        pos = close;
      }
      default -> {
        return atom;
      }
    }
    pos++;
    // Lazy and possessive forms match no string the greedy form cannot.
    if (more() && (peek() == '?' || peek() == '+')) {
      pos++;
    }
    if (more() && (peek() == '?' || peek() == '*' || peek() == '+' || peek() == '{')) {
      throw new Unknown();
    }
    return repeat(atom, min, max);
  }

  private Info group() {
    expect('(');
    if (!more() || peek() != '?') {
      return groupBody(); // a capturing group
    }
    pos++;
    if (!more()) {
      throw new Unknown();
    }
    char c = peek();
    if (c == ':' || c == '>') {
      // Non-capturing, or atomic: an atomic group matches no string the group cannot.
      pos++;
      return groupBody();
    }
    if (c == '=' || c == '!') {
      pos++;
      return lookaround(c == '=');
    }
    if (c == '<') {
      pos++;
      if (more() && (peek() == '=' || peek() == '!')) {
        boolean positive = peek() == '=';
        pos++;
        return lookaround(positive);
      }
      while (more() && Character.isLetterOrDigit(peek())) {
        pos++;
      }
      expect('>');
      return groupBody(); // a named group
    }
    // Inline flags: "(?s)" or "(?s:...)". Only flags that leave literals and classes as they
    // are: DOTALL, MULTILINE and UNIX_LINES change what "." and anchors match, which the
    // analysis never relies on.
    while (more() && "smd-".indexOf(peek()) >= 0) {
      pos++;
    }
    if (more() && peek() == ')') {
      pos++;
      return Info.empty();
    }
    if (more() && peek() == ':') {
      pos++;
      return groupBody();
    }
    throw new Unknown();
  }

  private Info groupBody() {
    Info inner = alternation();
    expect(')');
    return inner;
  }

  /** A lookaround matches no text; a positive one still needs its text to be there. */
  private Info lookaround(boolean positive) {
    Info inner = groupBody();
    return positive ? new Info(EMPTY_STRING, inner.best()) : Info.empty();
  }

  private Info escape() {
    expect('\\');
    if (!more()) {
      throw new Unknown();
    }
    char c = peek();
    pos++;
    switch (c) {
      case 'b', 'B', 'A', 'z', 'Z', 'G' -> {
        return Info.empty();
      }
      case 'Q' -> {
        int end = regex.indexOf("\\E", pos);
        String quoted = regex.substring(pos, end < 0 ? regex.length() : end);
        pos = end < 0 ? regex.length() : end + 2;
        return literal(quoted);
      }
      case 'p', 'P', 'N' -> {
        skipBraces();
        return Info.any();
      }
      case 'k' -> {
        // A named backreference matches what its group matched: any text, as far as we know.
        int close = regex.indexOf('>', pos);
        if (!more() || peek() != '<' || close < 0) {
          throw new Unknown();
        }
        pos = close + 1;
        return Info.any();
      }
      case 'd', 'D', 'w', 'W', 'S', 'h', 'H', 'v', 'V', 'R', 'X' -> {
        return Info.any();
      }
      case 's' -> {
        return chars(whitespace());
      }
      default -> {
        int single = escapedChar(c);
        return literal(new String(Character.toChars(single)));
      }
    }
  }

  /** {@return the char an escape other than a class or assertion stands for} */
  private int escapedChar(char c) {
    switch (c) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'a':
        return 0x07;
      case 'e':
        return 0x1B;
      default:
        // Octal, hex, control and numbered backreferences, and unknown escapes.
        if (Character.isLetterOrDigit(c)) {
          throw new Unknown();
        }
        return c;
    }
  }

  private void skipBraces() {
    if (more() && peek() == '{') {
      int close = regex.indexOf('}', pos);
      if (close < 0) {
        throw new Unknown();
      }
      pos = close + 1;
    } else if (more()) {
      pos++;
    }
  }

  private static Set<String> whitespace() {
    return Set.of(" ", "\t", "\n", "\u000B", "\f", "\r");
  }

  /** {@return the chars a bracketed class matches, or null if too many or not known} */
  private Set<String> charClass() {
    expect('[');
    Set<String> chars = new LinkedHashSet<>();
    boolean large = false;
    if (more() && peek() == '^') {
      pos++;
      large = true; // a negated class matches all but a few chars
    }
    if (more() && peek() == ']') {
      throw new Unknown();
    }
    while (true) {
      if (!more()) {
        throw new Unknown();
      }
      char c = peek();
      if (c == ']') {
        pos++;
        break;
      }
      if (c == '[') {
        Set<String> nested = charClass();
        if (nested == null) {
          large = true;
        } else {
          chars.addAll(nested);
        }
        continue;
      }
      if (c == '&' && regex.startsWith("&&", pos)) {
        throw new Unknown();
      }
      int from = classChar(chars);
      if (from == -1) {
        large = true;
        continue;
      }
      if (from == -2) {
        continue;
      }
      if (more() && peek() == '-' && pos + 1 < regex.length() && regex.charAt(pos + 1) != ']') {
        pos++;
        int to = classChar(chars);
        if (to < 0 || to < from) {
          throw new Unknown();
        }
        if (to - from >= MAX_CLASS) {
          large = true;
        } else {
          for (int cp = from; cp <= to; cp++) {
            chars.add(new String(Character.toChars(cp)));
          }
        }
      } else {
        chars.add(new String(Character.toChars(from)));
      }
    }
    return large || chars.size() > MAX_CLASS ? null : chars;
  }

  /**
   * Reads one item of a class: {@return its char, -1 for a large set such as {@code \w}, -2 for
   * chars already added to {@code chars}}.
   */
  private int classChar(Set<String> chars) {
    char c = peek();
    if (c != '\\') {
      int cp = regex.codePointAt(pos);
      pos += Character.charCount(cp);
      return cp;
    }
    pos++;
    if (!more()) {
      throw new Unknown();
    }
    char e = peek();
    pos++;
    switch (e) {
      case 'd', 'D', 'w', 'W', 'S', 'h', 'H', 'v', 'V' -> {
        return -1;
      }
      case 'p', 'P' -> {
        skipBraces();
        return -1;
      }
      case 's' -> {
        chars.addAll(whitespace());
        return -2;
      }
      case 'Q' -> {
        int end = regex.indexOf("\\E", pos);
        String quoted = regex.substring(pos, end < 0 ? regex.length() : end);
        pos = end < 0 ? regex.length() : end + 2;
        quoted.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
        return -2;
      }
      default -> {
        return escapedChar(e);
      }
    }
  }

  // --- combining what is known -------------------------------------------------------------

  private Info literal(String s) {
    String kept = squeezed ? squeeze(s) : s;
    return new Info(Set.of(kept), kept.isEmpty() ? null : Set.of(kept));
  }

  private static Info chars(Set<String> chars) {
    return chars == null ? Info.any() : new Info(Set.copyOf(chars), null);
  }

  /**
   * A sequence. Its matches are the concatenations of its items' matches, so any item's requirement
   * holds for the sequence, and so does the set of joined strings of any run of consecutive items
   * whose strings are known ("how " in "\\bhow (?:to|do i) die").
   */
  private Info concat(List<Info> items) {
    List<Set<String>> candidates = new ArrayList<>();
    for (Info item : items) {
      if (item.required() != null) {
        candidates.add(item.required());
      }
    }
    // The parts' strings, null where not known, with neighbours that match one string each
    // joined ("d", "i", "e" make "die"): a run of parts then starts and ends at a join's ends,
    // and a longer run only makes a set of longer strings.
    List<Set<String>> parts = new ArrayList<>();
    for (Info item : items) {
      Set<String> strings = item.exact();
      Set<String> last = parts.isEmpty() ? null : parts.get(parts.size() - 1);
      if (strings != null && strings.size() == 1 && last != null && last.size() == 1) {
        parts.set(
            parts.size() - 1, Set.of(join(last.iterator().next(), strings.iterator().next())));
      } else {
        parts.add(strings);
      }
    }
    boolean exact = true;
    for (int start = 0; start < parts.size(); start++) {
      Set<String> run = EMPTY_STRING;
      for (int end = start; end < parts.size() && run != null; end++) {
        Set<String> strings = parts.get(end);
        run = strings == null ? null : product(run, strings);
        if (run != null) {
          candidates.add(run);
        } else if (start == 0) {
          exact = false;
        }
      }
    }
    Set<String> best = null;
    double bestCost = Double.MAX_VALUE;
    for (Set<String> candidate : candidates) {
      // Simplifying keeps the shortest strings, so a candidate whose shortest string alone
      // costs more than the best so far cannot win: skip the work.
      int shortest = Integer.MAX_VALUE;
      for (String s : candidate) {
        shortest = Math.min(shortest, s.length());
      }
      if (shortest == 0 || weight(shortest) >= bestCost) {
        continue;
      }
      Set<String> simple = simplify(candidate);
      if (simple != null && cost(simple) < bestCost) {
        best = simple;
        bestCost = cost(simple);
      }
    }
    Set<String> all = EMPTY_STRING;
    for (int i = 0; i < parts.size() && exact; i++) {
      all = product(all, parts.get(i));
    }
    return new Info(exact ? all : null, best);
  }

  /** Alternatives: a match is a match of one of them. */
  private Info union(List<Info> branches) {
    Set<String> exact = new LinkedHashSet<>();
    Set<String> required = new LinkedHashSet<>();
    for (Info branch : branches) {
      if (exact != null) {
        if (branch.exact() == null || exact.size() + branch.exact().size() > maxStrings) {
          exact = null;
        } else {
          exact.addAll(branch.exact());
        }
      }
      Set<String> best = branch.best();
      if (required != null) {
        if (best == null) {
          required = null;
        } else {
          required.addAll(best);
        }
      }
    }
    return new Info(exact, required);
  }

  /**
   * A quantified part. With at least one repetition it needs what the part needs. A part that
   * matches only one char (or nothing) squeezes to that char however often it repeats.
   */
  private Info repeat(Info part, int min, int max) {
    if (max == 0) {
      return Info.empty();
    }
    Set<String> exact = null;
    if (part.exact() != null) {
      Set<String> nonEmpty = new LinkedHashSet<>(part.exact());
      boolean hasEmpty = nonEmpty.remove("");
      boolean canBeEmpty = min == 0 || hasEmpty;
      if (max == 1) {
        exact = new LinkedHashSet<>(part.exact());
        if (min == 0) {
          exact.add("");
        }
      } else if (squeezed && nonEmpty.size() == 1 && nonEmpty.iterator().next().length() == 1) {
        exact = new LinkedHashSet<>(nonEmpty);
        if (canBeEmpty) {
          exact.add("");
        }
      } else if (max > 0 && max <= 4) {
        exact = new LinkedHashSet<>();
        Set<String> power = EMPTY_STRING;
        for (int k = 1; k <= max && power != null; k++) {
          power = product(power, part.exact());
          if (power != null && k >= min) {
            exact.addAll(power);
          }
        }
        if (power == null || exact.size() > maxStrings) {
          exact = null;
        } else if (min == 0) {
          exact.add("");
        }
      }
    }
    return new Info(exact, min >= 1 ? part.best() : null);
  }

  /** {@return every join of a string of {@code a} and one of {@code b}, or null if many} */
  private Set<String> product(Set<String> a, Set<String> b) {
    if ((long) a.size() * b.size() > maxStrings) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String x : a) {
      for (String y : b) {
        out.add(join(x, y));
      }
    }
    return out;
  }

  /** {@return {@code x + y}, squeezed if {@code x} and {@code y} are} */
  private String join(String x, String y) {
    if (!squeezed || x.isEmpty() || y.isEmpty()) {
      return x + y;
    }
    return x.charAt(x.length() - 1) == y.charAt(0) ? x + y.substring(1) : x + y;
  }

  /**
   * {@return the set without strings that hold another of its strings} (a text holding the longer
   * one holds the shorter), or null if it holds the empty string, which any text holds
   */
  private static Set<String> simplify(Set<String> strings) {
    if (strings.isEmpty() || strings.contains("")) {
      return null;
    }
    List<String> byLength = new ArrayList<>(strings);
    byLength.sort(Comparator.comparingInt(String::length));
    List<String> kept = new ArrayList<>();
    for (String s : byLength) {
      // Only a shorter string can be held in s, and a shorter one held in another shorter
      // one was dropped for it, so checking the kept ones is enough.
      boolean holdsKept = false;
      for (int i = 0; i < kept.size() && !holdsKept; i++) {
        holdsKept = kept.get(i).length() < s.length() && s.contains(kept.get(i));
      }
      if (!holdsKept) {
        kept.add(s);
      }
    }
    return new TreeSet<>(kept);
  }

  /**
   * A rough chance that a message holds one of the strings: short strings are common, and past
   * seven chars a longer string is hardly rarer, so a few short strings beat many long ones (and
   * keep the scanner small).
   */
  private static double cost(Set<String> strings) {
    double cost = 0;
    for (String s : strings) {
      cost += weight(s.length());
    }
    return cost;
  }

  private static double weight(int length) {
    return Math.pow(4, -(Math.min(length, 7) - 1));
  }
}
