package dev.mia.server.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.SafetyAlert;
import dev.mia.core.safety.CrisisResource;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Session;
import java.util.List;
import java.util.Optional;

/**
 * The JSON bodies of server-to-client events, field for field as the wire contract lists them, plus
 * the additive extensions. netty-socketio's JSON mapper leaves out nulls, so fields the contract
 * says may be null ask to be written always.
 */
final class WirePayloads {
  private WirePayloads() {}

  /**
   * One stored message as clients see it; {@code status} only for a user message still owed a reply
   * ({@code "pending"}) or whose reply was cut off ({@code "interrupted"}, with {@code code} {@code
   * REPLY_INTERRUPTED}: the client may send it again).
   */
  record HistoryEntry(String role, String content, long timestamp, String status, String code) {
    static HistoryEntry of(ChatMessage m) {
      return switch (m.status()) {
        case COMPLETE ->
            new HistoryEntry(m.role().wireName(), m.content(), m.timestamp(), null, null);
        case PENDING ->
            new HistoryEntry(m.role().wireName(), m.content(), m.timestamp(), "pending", null);
        case INTERRUPTED ->
            new HistoryEntry(
                m.role().wireName(),
                m.content(),
                m.timestamp(),
                "interrupted",
                "REPLY_INTERRUPTED");
      };
    }
  }

  /** {@code session_created}. */
  record SessionCreated(
      String sessionId,
      String userId,
      @JsonInclude(JsonInclude.Include.ALWAYS) Integer age,
      String mode,
      int safetyTier,
      List<HistoryEntry> conversationHistory,
      String resumeToken,
      boolean resumed,
      String previousSessionId) {}

  /** {@code safety_alert}. */
  record SafetyAlertPayload(int tier, String sessionId, List<CrisisResource> resources) {}

  /** {@code message_chunk}. */
  record Chunk(String sessionId, String chunk) {}

  /**
   * {@code message_complete}; {@code intent} and {@code riskLevel} (see {@link
   * dev.mia.core.conversation.TurnAssessment}) are additions an old client ignores.
   */
  record Complete(String sessionId, String message, String intent, String riskLevel) {}

  /** {@code error}: {@code message} for people, {@code error} the detail, {@code code} stable. */
  record ErrorPayload(
      String message, String error, String code, String sessionId, Long retryAfterMs) {}

  /** {@code user_message}: a message the user sent from another connection. */
  record UserMessage(String sessionId, String message, long timestamp) {}

  /** The acknowledgement a client receives when it passed a callback. */
  record Ack(boolean ok, String code, String sessionId) {}

  /**
   * {@code session_created} for {@code s}; {@code resumed} says whether it is the session the
   * client asked for ({@code requested}), and a session the client asked for in vain (expired,
   * unknown) is named in {@code previousSessionId}.
   */
  static SessionCreated sessionCreated(
      Session s, Optional<String> resumeToken, Optional<String> requested, boolean resumed) {
    return new SessionCreated(
        s.sessionId(),
        s.userId(),
        s.age().isPresent() ? s.age().getAsInt() : null,
        s.mode().name(),
        s.safetyTier().level(),
        s.conversationHistory().stream().map(HistoryEntry::of).toList(),
        resumeToken.orElse(null),
        resumed,
        resumed ? null : requested.orElse(null));
  }

  static SafetyAlertPayload safetyAlert(String sessionId, SafetyAlert alert) {
    return new SafetyAlertPayload(alert.tier().level(), sessionId, alert.resources());
  }

  static ErrorPayload error(ConversationError e, Optional<String> sessionId) {
    return new ErrorPayload(
        e.message(),
        e.detail(),
        e.code().name(),
        sessionId.orElse(null),
        e.retryAfterMillis().isPresent() ? e.retryAfterMillis().getAsLong() : null);
  }
}
