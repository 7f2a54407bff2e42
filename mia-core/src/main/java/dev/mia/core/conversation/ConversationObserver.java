package dev.mia.core.conversation;

import dev.mia.core.safety.SafetyTier;
import java.time.Duration;

/**
 * Hears what happens to sessions and messages, to count and time them; it never changes what
 * happens. The engine calls it from whichever thread it is on (a socket's, the store's, the
 * model's), so implementations are thread-safe, return at once and do not throw (an exception is
 * ignored). Every method does nothing by default.
 */
public interface ConversationObserver {
  /** Observes nothing. */
  ConversationObserver NONE = new ConversationObserver() {};

  /** A new session was started. */
  default void sessionStarted() {}

  /** A user message was stored and will be answered. */
  default void messageAccepted() {}

  /** A request (a join or a message) was refused with {@code code}; nothing was stored. */
  default void refused(ErrorCode code) {}

  /** A message raised an alert of {@code tier}. */
  default void safetyAlert(SafetyTier tier) {}

  /** The model's first piece of a reply came {@code wait} after the request went out. */
  default void firstToken(Duration wait) {}

  /** A reply was stored whole, {@code took} after the request went out. */
  default void replyCompleted(Duration took) {}

  /** A reply failed with {@code code}; the user was told. */
  default void replyFailed(ErrorCode code) {}
}
