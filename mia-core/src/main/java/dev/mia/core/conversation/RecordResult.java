package dev.mia.core.conversation;

import java.util.Objects;

/**
 * The outcome of something a user asked the engine to keep with a session (a progress marker,
 * feedback): the value as stored, or why nothing was stored.
 *
 * @param <T> the kind of value kept
 */
public sealed interface RecordResult<T> {

  /** {@code value} is stored with the session. */
  record Recorded<T>(T value) implements RecordResult<T> {
    /** Checks the value is present. */
    public Recorded {
      Objects.requireNonNull(value, "value == null");
    }
  }

  /** Nothing was stored: {@code error} says why. */
  record Refused<T>(ConversationError error) implements RecordResult<T> {
    /** Checks the error is present. */
    public Refused {
      Objects.requireNonNull(error, "error == null");
    }
  }
}
