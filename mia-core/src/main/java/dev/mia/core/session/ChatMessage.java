package dev.mia.core.session;

import java.util.Objects;

/**
 * One message of a conversation, immutable.
 *
 * @param role who wrote it
 * @param content the text, as written
 * @param timestamp when it was stored, in epoch milliseconds
 */
public record ChatMessage(Role role, String content, long timestamp) {
  /** Checks that role and content are present. */
  public ChatMessage {
    Objects.requireNonNull(role, "role == null");
    Objects.requireNonNull(content, "content == null");
  }

  /** {@return a user message stored at {@code timestamp}} */
  public static ChatMessage user(String content, long timestamp) {
    return new ChatMessage(Role.USER, content, timestamp);
  }

  /** {@return an assistant message stored at {@code timestamp}} */
  public static ChatMessage assistant(String content, long timestamp) {
    return new ChatMessage(Role.ASSISTANT, content, timestamp);
  }

  /** Keeps message text out of logs and exception messages: only role, size and time show. */
  @Override
  public String toString() {
    return "ChatMessage[role="
        + role
        + ", chars="
        + content.length()
        + ", timestamp="
        + timestamp
        + "]";
  }
}
