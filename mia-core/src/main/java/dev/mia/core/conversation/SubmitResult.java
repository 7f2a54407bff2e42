package dev.mia.core.conversation;

/** The outcome of {@link ConversationEngine#submit}: accepted for processing, or refused. */
public sealed interface SubmitResult {

  /**
   * The message will be processed; its outcome goes to the listener.
   *
   * @param queuedBehind how many messages of the session are ahead of it
   */
  record Accepted(int queuedBehind) implements SubmitResult {}

  /** Nothing was stored and the listener will not be called. */
  record Refused(ConversationError error) implements SubmitResult {}
}
