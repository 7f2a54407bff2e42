package dev.mia.core.profile;

import java.util.OptionalInt;

/**
 * Chooses the conversation mode for one message. Implementations are thread-safe, total and never
 * return null.
 */
@FunctionalInterface
public interface ModeSelector {

  /**
   * {@return the mode for {@code message}}
   *
   * @param age the user's age as known now: stated in this message, else stored in the session
   */
  Mode select(String message, OptionalInt age);
}
