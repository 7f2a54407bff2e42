package dev.mia.core.session;

/**
 * Where a stored message stands. An assistant message is always {@link #COMPLETE}; a user message
 * is {@link #PENDING} from the moment it is accepted until its turn ends.
 */
public enum MessageStatus {
  /** Nothing is owed: the message was answered, or its reply failed and the client was told. */
  COMPLETE,
  /** Accepted and stored; its reply is owed. */
  PENDING,
  /**
   * Accepted and stored, but the process that owed the reply stopped before giving it; the client
   * may send the message again.
   */
  INTERRUPTED
}
