package dev.mia.core.safety;

import java.util.Objects;

/**
 * A place to get help now, shown with a safety alert.
 *
 * @param name who offers it, e.g. "988 Suicide & Crisis Lifeline"
 * @param contact how to reach it, e.g. "Call or text 988"
 * @param description when to use it
 */
public record CrisisResource(String name, String contact, String description) {
  /** Checks every field is present. */
  public CrisisResource {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(contact, "contact == null");
    Objects.requireNonNull(description, "description == null");
  }
}
