package dev.mia.core.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.JoinResult;
import dev.mia.core.conversation.SubmitResult;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Session;
import java.util.List;
import java.util.Optional;

/** Short forms of the engine calls tests make again and again, asserting the expected outcome. */
public final class Conversations {
  private Conversations() {}

  /** {@return a new session for {@code userId}}, failing the test if none is made. */
  public static Session newSession(ConversationEngine engine, String userId) {
    JoinResult result = engine.join(userId, Optional.empty());
    JoinResult.Joined joined = assertInstanceOf(JoinResult.Joined.class, result);
    assertTrue(joined.created(), "a new session");
    return joined.session();
  }

  /** Submits {@code message}, failing the test if it is refused; {@return its listener} */
  public static RecordingListener send(
      ConversationEngine engine, String userId, String sessionId, String message) {
    RecordingListener listener = new RecordingListener();
    SubmitResult result = engine.submit(userId, sessionId, message, listener);
    assertInstanceOf(SubmitResult.Accepted.class, result, () -> "accepted, but " + result);
    return listener;
  }

  /** Submits {@code message} and waits until its reply ended; {@return its listener} */
  public static RecordingListener exchange(
      ConversationEngine engine, String userId, String sessionId, String message) {
    return send(engine, userId, sessionId, message).awaitEnd();
  }

  /** {@return the error of a refused result}, failing the test if it was accepted. */
  public static ConversationError refusal(SubmitResult result) {
    return assertInstanceOf(SubmitResult.Refused.class, result, () -> "refused, but " + result)
        .error();
  }

  /** {@return the error of a refused join}, failing the test if it was not refused. */
  public static ConversationError refusal(JoinResult result) {
    return assertInstanceOf(JoinResult.Refused.class, result, () -> "refused, but " + result)
        .error();
  }

  /** {@return the session as stored now}, failing the test if the user has no such session. */
  public static Session stored(ConversationEngine engine, String userId, String sessionId) {
    return engine
        .session(userId, sessionId)
        .orElseThrow(() -> new AssertionError("no session " + sessionId + " for " + userId));
  }

  /** {@return the texts of the stored history, each as {@code role: content}} */
  public static List<String> transcript(
      ConversationEngine engine, String userId, String sessionId) {
    return stored(engine, userId, sessionId).conversationHistory().stream()
        .map(Conversations::line)
        .toList();
  }

  /** {@return {@code role: content} for one message} */
  public static String line(ChatMessage message) {
    return message.role().wireName() + ": " + message.content();
  }
}
