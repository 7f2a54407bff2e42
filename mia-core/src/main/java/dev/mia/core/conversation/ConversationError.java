package dev.mia.core.conversation;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Why a request was refused or a reply failed, as a value.
 *
 * @param code the stable reason
 * @param message a sentence for a person, safe to show to the user
 * @param detail a technical detail (never conversation text)
 * @param retryAfterMillis for {@link ErrorCode#RATE_LIMITED}: when a retry will be accepted
 */
public record ConversationError(
    ErrorCode code, String message, String detail, OptionalLong retryAfterMillis) {

  /** Checks every field is present. */
  public ConversationError {
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(message, "message == null");
    Objects.requireNonNull(detail, "detail == null");
    Objects.requireNonNull(retryAfterMillis, "retryAfterMillis == null");
  }

  /** {@return an error with no retry time} */
  public static ConversationError of(ErrorCode code, String message, String detail) {
    return new ConversationError(code, message, detail, OptionalLong.empty());
  }
}
