package dev.mia.core.conversation;

/** The outcome of {@link Voice#saidAsync}: Mia's words kept, or why not. */
public sealed interface SaidResult {

  /** The words are at the end of the session's history. */
  record Stored() implements SaidResult {}

  /**
   * Nothing was kept: empty words, a malformed session id, a session that is not the user's (or is
   * gone), or a store failure.
   */
  record Refused(ConversationError error) implements SaidResult {}
}
