package dev.mia.core.session;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Makes unguessable ids: a prefix and 128 random bits from a {@link SecureRandom}, in URL-safe
 * Base64 (22 characters). Thread-safe.
 */
public final class Identifiers {
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{1,128}");
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

  /**
   * {@return whether {@code id} has the form of a session id a client may send: 1 to 128 of {@code
   * A-Z a-z 0-9 _ -}}
   */
  public static boolean isWellFormed(String id) {
    return id != null && WELL_FORMED.matcher(id).matches();
  }

  private String randomPart() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
