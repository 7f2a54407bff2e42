package dev.mia.core.session;

import java.util.Locale;

/** Who wrote a {@link ChatMessage}; {@link #wireName()} is the lower-case form used on the wire. */
public enum Role {
  USER,
  ASSISTANT;

  /** {@return the lower-case name clients see, {@code "user"} or {@code "assistant"}} */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
