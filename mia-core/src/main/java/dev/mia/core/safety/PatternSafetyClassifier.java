package dev.mia.core.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * <p>Immutable and thread-safe: compiled patterns are shared, matchers are made per call.
 */
final class PatternSafetyClassifier implements SafetyClassifier {
  private final SafetyRules rules;
  private final ChatNormalizer normalizer;

  PatternSafetyClassifier(SafetyRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules == null");
    this.normalizer = new ChatNormalizer(rules.vocabulary(), rules.spellings());
  }

  @Override
  public SafetyAssessment assess(String message) {
    Objects.requireNonNull(message, "message == null");
    String text = normalizer.normalize(message);
    if (text.isEmpty()) {
      return SafetyAssessment.NORMAL;
    }
    List<int[]> guarded = guardSpans(text);
    for (SafetyRules.Rule rule : rules.rules()) {
      if (matchesOutside(rule.pattern(), text, guarded)) {
        return new SafetyAssessment(rule.tier(), rule.category());
      }
    }
    return SafetyAssessment.NORMAL;
  }

  /** {@return the text the rules see, for tests and rule authors} */
  String normalized(String message) {
    return normalizer.normalize(message);
  }

  private List<int[]> guardSpans(String text) {
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

  private static boolean matchesOutside(Pattern pattern, String text, List<int[]> guarded) {
    Matcher m = pattern.matcher(text);
    int from = 0;
    while (from <= text.length() && m.find(from)) {
      if (!insideAny(m.start(), m.end(), guarded)) {
        return true;
      }
      // Look again from the next character: a later, unguarded match may overlap this one.
      from = m.start() + 1;
    }
    return false;
  }

  private static boolean insideAny(int start, int end, List<int[]> spans) {
    for (int[] span : spans) {
      if (span[0] <= start && end <= span[1]) {
        return true;
      }
    }
    return false;
  }
}
