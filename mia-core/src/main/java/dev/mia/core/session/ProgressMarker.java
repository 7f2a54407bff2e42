package dev.mia.core.session;

import java.util.Objects;

/**
 * A step a user took that is worth remembering, such as finishing a guided exercise, immutable.
 *
 * @param markerId a unique id, e.g. {@code marker_} and random characters
 * @param markerType the kind of step; {@code SKILL_ACQUIRED} for a finished exercise
 * @param description what the user did, in words
 * @param achievedAt when, in epoch milliseconds
 * @param therapeuticValue how much it is worth, from 0 to 1
 */
public record ProgressMarker(
    String markerId,
    String markerType,
    String description,
    long achievedAt,
    double therapeuticValue) {

  /** The type of a marker recorded for a finished guided exercise. */
  public static final String SKILL_ACQUIRED = "SKILL_ACQUIRED";

  /** Checks every field. */
  public ProgressMarker {
    Objects.requireNonNull(markerId, "markerId == null");
    Objects.requireNonNull(markerType, "markerType == null");
    Objects.requireNonNull(description, "description == null");
    if (!(therapeuticValue >= 0 && therapeuticValue <= 1)) {
      throw new IllegalArgumentException(
          "therapeuticValue must be from 0 to 1, was " + therapeuticValue);
    }
  }
}
