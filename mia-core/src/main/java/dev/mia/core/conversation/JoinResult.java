package dev.mia.core.conversation;

import dev.mia.core.session.Session;

/** The outcome of {@link ConversationEngine#join}: a session, or why there is none. */
public sealed interface JoinResult {

  /**
   * The user is in {@code session}.
   *
   * @param session the session with its full history
   * @param created whether it was made by this call
   */
  record Joined(Session session, boolean created) implements JoinResult {}

  /** No session: {@code error} says why. */
  record Refused(ConversationError error) implements JoinResult {}
}
