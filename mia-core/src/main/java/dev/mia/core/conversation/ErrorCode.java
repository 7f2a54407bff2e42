package dev.mia.core.conversation;

/**
 * Stable, machine-readable reasons a request was refused or a reply failed. Clients see the name in
 * the {@code code} field of an {@code error} event; names never change once published.
 */
public enum ErrorCode {
  /** A payload of the wrong shape: wrong type, missing field, malformed session id. */
  INVALID_PAYLOAD,
  /** The message is empty or only white space. */
  EMPTY_MESSAGE,
  /** The message is longer than the configured limit. */
  MESSAGE_TOO_LONG,
  /** No session with this id belongs to this user (unknown, expired, or someone else's). */
  SESSION_NOT_FOUND,
  /** The user sent more messages than the rate limit allows; retry later. */
  RATE_LIMITED,
  /** Too many messages are already waiting in this session; retry when the reply ends. */
  BUSY,
  /** The model failed, timed out, or broke off; the user's message is kept. */
  MODEL_UNAVAILABLE,
  /** The server holds as many sessions as it may. */
  CAPACITY_EXCEEDED,
  /** The server is shutting down and takes no new messages. */
  SHUTTING_DOWN,
  /** The operator requires a valid token to connect. */
  AUTH_REQUIRED,
  /** The user has as many open connections as allowed. */
  TOO_MANY_CONNECTIONS,
  /** Something failed inside the server; the user's message may have been stored. */
  INTERNAL_ERROR,
  /** The session store cannot be reached; nothing was stored, the request may be sent again. */
  STORE_UNAVAILABLE
}
