package dev.mia.core.conversation;

import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link Voice#heardAsync}: the words assessed, or refused. */
public sealed interface HeardResult {

  /**
   * The words were assessed, and kept unless {@code notStored} says otherwise.
   *
   * @param assessment what the engine made of the words
   * @param alert the alert to show the user now, for a tier of 2 or 3
   * @param instructions the speech model's instructions from now on: the session's mode and the
   *     user's age, with the safety guidance of the session's latest alert; an alert's guidance
   *     stays for the rest of the conversation, since a calm sentence after a crisis does not end
   *     it
   * @param notStored why the words are not in the session's history, if they are not: {@link
   *     ErrorCode#SESSION_NOT_FOUND} or {@link ErrorCode#STORE_UNAVAILABLE}
   */
  record Heard(
      TurnAssessment assessment,
      Optional<SafetyAlert> alert,
      String instructions,
      Optional<ConversationError> notStored)
      implements HeardResult {
    /** Checks every field is present. */
    public Heard {
      Objects.requireNonNull(assessment, "assessment == null");
      Objects.requireNonNull(alert, "alert == null");
      Objects.requireNonNull(instructions, "instructions == null");
      Objects.requireNonNull(notStored, "notStored == null");
    }
  }

  /**
   * Nothing was assessed or kept: empty words, typed text that is not a valid message, a malformed
   * session id, or typed text while the engine is shutting down.
   */
  record Refused(ConversationError error) implements HeardResult {}
}
