package dev.mia.core.session;

import java.util.Objects;
import java.util.Optional;

/**
 * A user's rating of the conversation, immutable.
 *
 * @param rating from 1 (poor) to 5 (very good)
 * @param text what the user wrote with it, if anything
 * @param givenAt when, in epoch milliseconds
 */
public record Feedback(int rating, Optional<String> text, long givenAt) {
  /** The longest text kept with a rating. */
  public static final int MAX_TEXT_CHARS = 2_000;

  /**
   * Checks the rating and the text.
   *
   * @throws IllegalArgumentException if the rating is not 1 to 5 or the text is too long
   */
  public Feedback {
    Objects.requireNonNull(text, "text == null");
    if (rating < 1 || rating > 5) {
      throw new IllegalArgumentException(
          "rating must be a whole number from 1 to 5, was " + rating);
    }
    if (text.isPresent() && text.get().length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException(
          "feedback text must be at most " + MAX_TEXT_CHARS + " characters");
    }
  }

  /** Keeps the text out of logs: rating, size and time only. */
  @Override
  public String toString() {
    return "Feedback[rating="
        + rating
        + ", chars="
        + text.map(String::length).orElse(0)
        + ", givenAt="
        + givenAt
        + "]";
  }
}
