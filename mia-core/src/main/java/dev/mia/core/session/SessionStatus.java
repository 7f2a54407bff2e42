package dev.mia.core.session;

/** Lifecycle of a {@link Session}; new sessions are {@link #ACTIVE}. */
public enum SessionStatus {
  ACTIVE,
  CLOSED
}
