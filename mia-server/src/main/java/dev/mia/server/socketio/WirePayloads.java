package dev.mia.server.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.SafetyAlert;
import dev.mia.core.exercise.GuidedExercise;
import dev.mia.core.safety.CrisisResource;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.ProgressMarker;
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
   * dev.mia.core.conversation.TurnAssessment}) and {@code exercises} (the guided exercises worth
   * offering, left out when there are none) are additions an old client ignores.
   */
  record Complete(
      String sessionId,
      String message,
      String intent,
      String riskLevel,
      List<ExerciseOffer> exercises) {}

  /** A guided exercise offered with a reply: the button to start it. */
  record ExerciseOffer(String id, String label) {
    static ExerciseOffer of(GuidedExercise e) {
      return new ExerciseOffer(e.id(), e.label());
    }
  }

  /** {@code typing}: a reply has started ({@code start}) or ended ({@code stop}). */
  record Typing(String sessionId, String status) {}

  /** {@code error}: {@code message} for people, {@code error} the detail, {@code code} stable. */
  record ErrorPayload(
      String message, String error, String code, String sessionId, Long retryAfterMs) {}

  /** {@code user_message}: a message the user sent from another connection. */
  record UserMessage(String sessionId, String message, long timestamp) {}

  /**
   * The acknowledgement a client receives when it passed a callback; a refusal carries the {@code
   * code} and the human {@code message} of the {@code error} event sent with it.
   */
  record Ack(boolean ok, String code, String sessionId, String message) {
    static Ack ok(String sessionId) {
      return new Ack(true, null, sessionId, null);
    }
  }

  /**
   * The acknowledgement of an {@code interaction}: {@code kind} {@code instruction} with the
   * exercise's steps and completion button, or {@code progress} with the marker recorded.
   */
  record InteractionAck(
      boolean ok, String sessionId, String kind, Exercise exercise, Progress progress) {}

  /** An exercise's steps and the button that says it is done. */
  record Exercise(
      String id, String label, String instruction, String completeId, String completeLabel) {
    static Exercise of(GuidedExercise e) {
      return new Exercise(e.id(), e.label(), e.instruction(), e.completionId(), e.completeLabel());
    }
  }

  /** A progress marker as recorded; {@code achievedAt} in epoch milliseconds. */
  record Progress(
      String markerId,
      String markerType,
      String description,
      long achievedAt,
      double therapeuticValue) {
    static Progress of(ProgressMarker m) {
      return new Progress(
          m.markerId(), m.markerType(), m.description(), m.achievedAt(), m.therapeuticValue());
    }
  }

  /** The acknowledgement of {@code feedback} that was kept. */
  record FeedbackAck(boolean ok, String sessionId, int rating) {}

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
