package dev.mia.eval;

import dev.mia.core.safety.SafetyTier;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One message of a labelled evaluation set, as described in {@code shared/eval/README.md}.
 *
 * @param id the unique id, e.g. {@code dev-001}
 * @param text the message exactly as typed
 * @param tier the safety tier label
 * @param age the writer's own current age if the message states it
 * @param note why the labels were given; for people, not used in scoring
 */
public record LabelledMessage(
    String id, String text, SafetyTier tier, OptionalInt age, String note) {
  /** Checks every field is present. */
  public LabelledMessage {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(text, "text == null");
    Objects.requireNonNull(tier, "tier == null");
    Objects.requireNonNull(age, "age == null");
    Objects.requireNonNull(note, "note == null");
  }
}
