package dev.mia.core.auth;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
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
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      BASE64URL.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.US_ASCII));

  private final SecretKey key;
  // A Mac is not thread-safe, and making one costs more than a signature.
  private final ThreadLocal<Mac> macs;
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
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
    this.parser =
        Jwts.parser().verifyWith(key).clock(() -> Date.from(this.clock.instant())).build();
  }

  /** {@return a signed token for {@code userId}, valid for seven days} */
  public String issue(String userId) {
    Objects.requireNonNull(userId, "userId == null");
    // Written here rather than by the library's builder: a token is issued on every anonymous
    // join, on the socket's I/O thread, and the builder cost ~0.4 ms each (a new Mac, a
    // serializer, a map of claims), a tenth of that join. Verification stays with the library.
    long now = clock.instant().getEpochSecond();
    StringBuilder claims = new StringBuilder(64 + userId.length()).append("{\"userId\":\"");
    JsonStringEncoder.getInstance().quoteAsString(userId, claims);
    claims
        .append("\",\"iat\":")
        .append(now)
        .append(",\"exp\":")
        .append(now + VALIDITY.toSeconds())
        .append('}');
    String signed =
        HEADER + '.' + BASE64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    byte[] signature = macs.get().doFinal(signed.getBytes(StandardCharsets.US_ASCII));
    return signed + '.' + BASE64URL.encodeToString(signature);
  }

  private static Mac newMac(SecretKey key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
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
