package dev.mia.core.session;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Makes unguessable ids: a prefix and 128 random bits from a {@link SecureRandom}, in URL-safe
 * Base64 (22 characters). Thread-safe.
 */
public final class Identifiers {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random;

  /** Ids from a new {@link SecureRandom}. */
  public Identifiers() {
    this(new SecureRandom());
  }

  /** Ids from {@code random}. */
  public Identifiers(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random == null");
  }

  /** {@return a new session id, {@code session_} and 22 random characters} */
  public String newSessionId() {
    return "session_" + randomPart();
  }

  /** {@return a new anonymous user id, {@code anon_} and 22 random characters} */
  public String newAnonymousUserId() {
    return "anon_" + randomPart();
  }

  /** {@return a new progress marker id, {@code marker_} and 22 random characters} */
  public String newMarkerId() {
    return "marker_" + randomPart();
  }

  /**
   * {@return whether {@code id} has the form of a session id a client may send: 1 to 128 of {@code
   * A-Z a-z 0-9 _ -}}
   */
  public static boolean isWellFormed(String id) {
    // Checked on every message: a loop over the characters, not a regular expression.
    if (id == null || id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  private String randomPart() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
