package dev.mia.core.conversation;

/**
 * Receives what happens to one accepted user message. Calls for one message are made one at a time,
 * each happening-before the next, from engine or model threads (never the thread that called {@link
 * ConversationEngine#submit}): at most one {@link #onAssessed}, then at most one {@link
 * #onSafetyAlert}, then any number of {@link #onChunk} in order, then exactly one of {@link
 * #onComplete} or {@link #onError} (none at all if another process sharing the store answered the
 * message first: its reply reaches the session's connections from there). A tier-3 alert is
 * delivered even when the model then fails. Implementations return quickly and do not throw; an
 * exception is logged and otherwise ignored, so a broken listener cannot lose a reply.
 */
public interface ReplyListener {

  /** What the engine made of the message, before the alert and the reply; ignored by default. */
  default void onAssessed(TurnAssessment assessment) {}

  /** The message signalled danger; called before the first chunk. */
  void onSafetyAlert(SafetyAlert alert);

  /** The next piece of the reply, never empty. */
  void onChunk(String chunk);

  /** The reply is stored; {@code fullReply} equals the chunks joined. */
  void onComplete(String fullReply);

  /** No (complete) reply: the user's message is stored, the session stays usable. */
  void onError(ConversationError error);
}
