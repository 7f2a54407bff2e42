package dev.mia.core.session;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One conversation and what Mia has learned in it, immutable: every change returns a new record.
 *
 * @param sessionId the server-made id, {@code session_} followed by random characters
 * @param userId the owner; only the owner may join or write to it
 * @param conversationHistory every stored message, oldest first
 * @param age the user's stated age, once detected
 * @param mode the mode of the latest message
 * @param safetyTier the tier of the latest message that raised an alert (2 or 3), or 1 if none has;
 *     like the original server, a calm message does not lower it
 * @param status lifecycle state
 * @param createdAt creation time, epoch milliseconds
 * @param updatedAt time of the last change, epoch milliseconds
 */
public record Session(
    String sessionId,
    String userId,
    List<ChatMessage> conversationHistory,
    OptionalInt age,
    Mode mode,
    SafetyTier safetyTier,
    SessionStatus status,
    long createdAt,
    long updatedAt) {

  /** Checks every field is present and copies the history. */
  public Session {
    Objects.requireNonNull(sessionId, "sessionId == null");
    Objects.requireNonNull(userId, "userId == null");
    conversationHistory = List.copyOf(conversationHistory);
    Objects.requireNonNull(age, "age == null");
    Objects.requireNonNull(mode, "mode == null");
    Objects.requireNonNull(safetyTier, "safetyTier == null");
    Objects.requireNonNull(status, "status == null");
  }

  /** {@return a new session in its initial state: greeting mode, tier 1, no age, no history} */
  public static Session start(String sessionId, String userId, long now) {
    return new Session(
        sessionId,
        userId,
        List.of(),
        OptionalInt.empty(),
        Mode.GREETING,
        SafetyTier.NORMAL,
        SessionStatus.ACTIVE,
        now,
        now);
  }

  /** {@return whether {@code userId} owns this session} */
  public boolean isOwnedBy(String userId) {
    return this.userId.equals(userId);
  }

  /** {@return this session with {@code message} appended to its history} */
  public Session withMessage(ChatMessage message) {
    List<ChatMessage> history = new ArrayList<>(conversationHistory.size() + 1);
    history.addAll(conversationHistory);
    history.add(message);
    return new Session(
        sessionId, userId, history, age, mode, safetyTier, status, createdAt, message.timestamp());
  }

  /**
   * {@return this session with {@code message} appended as owed ({@link MessageStatus#PENDING})}
   */
  public Session withAccepted(ChatMessage message) {
    return withMessage(message.withStatus(MessageStatus.PENDING));
  }

  /**
   * {@return this session with its oldest owed message settled: marked {@link
   * MessageStatus#COMPLETE}, and {@code reply}, if any, right after it} With nothing owed, the
   * reply (if any) goes at the end. What {@link SessionStore#settle} stores.
   */
  public Session withSettled(Optional<ChatMessage> reply) {
    List<ChatMessage> history = new ArrayList<>(conversationHistory.size() + 1);
    history.addAll(conversationHistory);
    int owed = -1;
    for (int i = 0; i < history.size() && owed < 0; i++) {
      if (history.get(i).status() == MessageStatus.PENDING) {
        owed = i;
      }
    }
    if (owed >= 0) {
      history.set(owed, history.get(owed).withStatus(MessageStatus.COMPLETE));
    }
    if (reply.isPresent()) {
      history.add(owed >= 0 ? owed + 1 : history.size(), reply.get());
    }
    long updated = reply.map(ChatMessage::timestamp).orElse(updatedAt);
    return new Session(
        sessionId, userId, history, age, mode, safetyTier, status, createdAt, updated);
  }

  /** {@return this session with the detection results of one message applied} */
  public Session withProfile(OptionalInt age, Mode mode, SafetyTier safetyTier, long now) {
    return new Session(
        sessionId, userId, conversationHistory, age, mode, safetyTier, status, createdAt, now);
  }

  /** {@return this session with a new status} */
  public Session withStatus(SessionStatus status, long now) {
    return new Session(
        sessionId, userId, conversationHistory, age, mode, safetyTier, status, createdAt, now);
  }

  /** Keeps conversation text out of logs: ids, sizes and state only. */
  @Override
  public String toString() {
    return "Session[sessionId="
        + sessionId
        + ", userId="
        + userId
        + ", messages="
        + conversationHistory.size()
        + ", age="
        + age
        + ", mode="
        + mode
        + ", safetyTier="
        + safetyTier.level()
        + ", status="
        + status
        + "]";
  }
}
