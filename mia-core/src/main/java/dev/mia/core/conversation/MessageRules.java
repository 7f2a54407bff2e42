package dev.mia.core.conversation;

import java.util.Optional;

/** What a user message must be before anything is stored. */
final class MessageRules {
  private MessageRules() {}

  static Optional<ConversationError> check(String message, int maxChars) {
    if (message == null) {
      return invalid("message must be a string");
    }
    if (message.isBlank()) {
      return Optional.of(
          ConversationError.of(
              ErrorCode.EMPTY_MESSAGE,
              "Please type a message before sending.",
              "message is empty or white space"));
    }
    if (message.length() > maxChars) {
      return Optional.of(
          ConversationError.of(
              ErrorCode.MESSAGE_TOO_LONG,
              "That message is too long. Please keep it under " + maxChars + " characters.",
              "message has " + message.length() + " chars, limit " + maxChars));
    }
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
        return invalid("message contains control character U+" + hex(c));
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < message.length() && Character.isLowSurrogate(message.charAt(i + 1))) {
          i++;
          continue;
        }
        return invalid("message contains an unpaired surrogate");
      }
      if (Character.isLowSurrogate(c)) {
        return invalid("message contains an unpaired surrogate");
      }
    }
    return Optional.empty();
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }

  private static Optional<ConversationError> invalid(String detail) {
    return Optional.of(
        ConversationError.of(ErrorCode.INVALID_PAYLOAD, "The message could not be read.", detail));
  }
}
