package dev.mia.core.profile;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The mode table of the original server, in priority order: urgency words, then fundraising words,
 * then the age band (5 to 12 mirror learning, 13 and over educational), then greeting.
 */
final class KeywordModeSelector implements ModeSelector {
  private static final List<String> URGENCY = List.of("why now", "urgent");
  private static final List<String> FUNDRAISING = List.of("donate", "fund", "build");

  @Override
  public Mode select(String message, OptionalInt age) {
    String text = message.toLowerCase(Locale.ROOT);
    if (URGENCY.stream().anyMatch(text::contains)) {
      return Mode.URGENCY;
    }
    if (FUNDRAISING.stream().anyMatch(text::contains)) {
      return Mode.FUNDRAISING;
    }
    if (age.isPresent()) {
      int years = age.getAsInt();
      if (years >= 5 && years <= 12) {
        return Mode.MIRROR_LEARNING;
      }
      if (years >= 13) {
        return Mode.EDUCATIONAL;
      }
    }
    return Mode.GREETING;
  }
}
