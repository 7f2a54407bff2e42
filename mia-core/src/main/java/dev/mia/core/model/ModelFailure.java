package dev.mia.core.model;

import java.util.Objects;

/**
 * Why a model stream failed.
 *
 * @param kind the class of failure
 * @param detail a short technical description for logs and the error event's {@code error} field;
 *     never contains conversation text
 */
public record ModelFailure(Kind kind, String detail) {
  /** Classes of failure. */
  public enum Kind {
    /** The endpoint refused or could not be reached (HTTP error, connection error). */
    UNAVAILABLE,
    /** Nothing arrived for longer than the idle timeout. */
    TIMEOUT,
    /** The stream started and broke off. */
    BROKEN_STREAM
  }

  /** Checks both fields are present. */
  public ModelFailure {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(detail, "detail == null");
  }
}
