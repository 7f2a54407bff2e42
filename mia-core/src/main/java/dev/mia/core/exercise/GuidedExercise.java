package dev.mia.core.exercise;

import java.util.List;
import java.util.Objects;

/**
 * A short guided exercise Mia can offer, as data an operator can replace (see {@link
 * GuidedExercises}): a button to start it, the steps, a button to say it is done, and what
 * finishing it records.
 *
 * @param id a stable id, {@code ex_} and lower-case letters or digits (the start button's id; the
 *     completion button's id is {@code <id>_complete})
 * @param label the start button's text
 * @param instruction the steps, shown when the exercise starts
 * @param completeLabel the completion button's text
 * @param achievement what a finished exercise records, in the words of a progress marker
 * @param therapeuticValue how much finishing it is worth, from 0 to 1
 * @param cues words or phrases (folded like chat text) that make the exercise worth offering
 * @param forCrisis whether it is offered whenever a message raises a crisis alert
 */
public record GuidedExercise(
    String id,
    String label,
    String instruction,
    String completeLabel,
    String achievement,
    double therapeuticValue,
    List<String> cues,
    boolean forCrisis) {

  /** Checks the fields an exercise cannot do without. */
  public GuidedExercise {
    Objects.requireNonNull(id, "id == null");
    if (!id.matches("ex_[a-z0-9_]{1,40}") || id.endsWith("_complete")) {
      throw new IllegalArgumentException(
          "an exercise id is ex_ and lower-case letters, digits or _, not ending in _complete: "
              + id);
    }
    requireText(label, "label");
    requireText(instruction, "instruction");
    requireText(completeLabel, "completeLabel");
    requireText(achievement, "achievement");
    if (!(therapeuticValue >= 0 && therapeuticValue <= 1)) {
      throw new IllegalArgumentException(
          "therapeuticValue must be from 0 to 1, was " + therapeuticValue + " for " + id);
    }
    cues = List.copyOf(cues);
  }

  /** {@return the id of the button that says the exercise is done} */
  public String completionId() {
    return id + "_complete";
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name + " == null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " is blank");
    }
  }
}
