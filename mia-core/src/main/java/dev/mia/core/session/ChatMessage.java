package dev.mia.core.session;

import java.util.Objects;

/**
 * One message of a conversation, immutable.
 *
 * @param role who wrote it
 * @param content the text, as written
 * @param timestamp when it was stored, in epoch milliseconds
 * @param status whether a reply to it is still owed (user messages only)
 */
public record ChatMessage(Role role, String content, long timestamp, MessageStatus status) {
  /** Checks that role, content and status are present. */
  public ChatMessage {
    Objects.requireNonNull(role, "role == null");
    Objects.requireNonNull(content, "content == null");
    Objects.requireNonNull(status, "status == null");
    if (role == Role.ASSISTANT && status != MessageStatus.COMPLETE) {
      throw new IllegalArgumentException("an assistant message is always COMPLETE");
    }
  }

  /** A {@link MessageStatus#COMPLETE complete} message. */
  public ChatMessage(Role role, String content, long timestamp) {
    this(role, content, timestamp, MessageStatus.COMPLETE);
  }

  /** {@return a user message stored at {@code timestamp}} */
  public static ChatMessage user(String content, long timestamp) {
    return new ChatMessage(Role.USER, content, timestamp);
  }

  /** {@return a user message accepted at {@code timestamp}, whose reply is owed} */
  public static ChatMessage pending(String content, long timestamp) {
    return new ChatMessage(Role.USER, content, timestamp, MessageStatus.PENDING);
  }

  /** {@return this message with {@code status}} */
  public ChatMessage withStatus(MessageStatus status) {
    return status == this.status ? this : new ChatMessage(role, content, timestamp, status);
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
        + ", status="
        + status
        + "]";
  }
}
