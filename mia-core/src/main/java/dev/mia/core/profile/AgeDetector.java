package dev.mia.core.profile;

import java.util.OptionalInt;

/**
 * Finds the user's own, current age in one message. Implementations are thread-safe, total (any
 * string, no exception) and return only ages from {@link #MIN_AGE} to {@link #MAX_AGE}; a message
 * that states no age of the writer's gives an empty result.
 */
@FunctionalInterface
public interface AgeDetector {
  /** The youngest age a detector reports. */
  int MIN_AGE = 5;

  /** The oldest age a detector reports. */
  int MAX_AGE = 100;

  /** {@return the age {@code message} states for its writer, if any} */
  OptionalInt detect(String message);
}
