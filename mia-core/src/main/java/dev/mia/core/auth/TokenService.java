package dev.mia.core.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Issues and checks the JSON Web Tokens that identify users: HS256, the user id in the claim {@code
 * userId}, valid for seven days. Thread-safe. The secret must be at least 32 bytes (256 bits), as
 * HS256 requires; a shorter one, such as the original server's default {@code change-this-secret},
 * is refused rather than silently weakening every token.
 */
public final class TokenService {
  /** How long an issued token is valid. */
  public static final Duration VALIDITY = Duration.ofDays(7);

  /** The fewest bytes a secret may have. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final String USER_ID_CLAIM = "userId";

  private final SecretKey key;
  private final JwtParser parser;
  private final Clock clock;

  /**
   * A service signing with {@code secret} (UTF-8 bytes).
   *
   * @throws IllegalArgumentException if the secret is shorter than 32 bytes
   */
  public TokenService(String secret) {
    this(secret, Clock.systemUTC());
  }

  /** As {@link #TokenService(String)}, telling time by {@code clock}. */
  public TokenService(String secret, Clock clock) {
    Objects.requireNonNull(secret, "secret == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the JWT secret must be at least "
              + MIN_SECRET_BYTES
              + " bytes for HS256, was "
              + bytes.length);
    }
    this.key = Keys.hmacShaKeyFor(bytes);
    this.parser =
        Jwts.parser().verifyWith(key).clock(() -> Date.from(this.clock.instant())).build();
  }

  /** {@return a signed token for {@code userId}, valid for seven days} */
  public String issue(String userId) {
    Objects.requireNonNull(userId, "userId == null");
    Instant now = clock.instant();
    return Jwts.builder()
        .claim(USER_ID_CLAIM, userId)
        .issuedAt(Date.from(now))
        .expiration(Date.from(now.plus(VALIDITY)))
        .signWith(key, Jwts.SIG.HS256)
        .compact();
  }

  /**
   * {@return the user id of a valid token: signed with this secret, unexpired, with a non-empty
   * string {@code userId} claim; empty for anything else, never an exception}
   */
  public Optional<String> verify(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    try {
      Claims claims = parser.parseSignedClaims(token).getPayload();
      Object userId = claims.get(USER_ID_CLAIM);
      return userId instanceof String id && !id.isEmpty() ? Optional.of(id) : Optional.empty();
    } catch (JwtException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
