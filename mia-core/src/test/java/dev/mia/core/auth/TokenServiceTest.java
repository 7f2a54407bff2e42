package dev.mia.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mia.core.testing.MutableClock;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final String OTHER_SECRET = "another-secret-that-is-also-long-enough-256";

  private final MutableClock clock = MutableClock.atStart();
  private final TokenService tokens = new TokenService(SECRET, clock);

  private static SecretKey key(String secret) {
    return Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
  }

  private Jws<Claims> parse(String token) {
    return Jwts.parser()
        .verifyWith(key(SECRET))
        .clock(() -> Date.from(clock.instant()))
        .build()
        .parseSignedClaims(token);
  }

  @Test
  void issuedTokenVerifiesToItsUserId() {
    String token = tokens.issue("user123");

    assertEquals(Optional.of("user123"), tokens.verify(token));
  }

  @Test
  void userIdWithQuotesBackslashesAndNonAsciiRoundTrips() {
    String userId = "o\"brien\\\u00e9\u4e2d\ud83d\ude00\n";

    assertEquals(userId, parse(tokens.issue(userId)).getPayload().get("userId", String.class));
    assertEquals(Optional.of(userId), tokens.verify(tokens.issue(userId)));
  }

  @Test
  void tokensIssuedOnManyThreadsAllVerify() throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String userId = "user" + i;
        results.add(
            pool.submit(() -> tokens.verify(tokens.issue(userId)).equals(Optional.of(userId))));
      }
      for (java.util.concurrent.Future<Boolean> result : results) {
        assertEquals(true, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tokenCarriesTheUserIdClaim() {
    Claims claims = parse(tokens.issue("user123")).getPayload();

    assertEquals("user123", claims.get("userId", String.class));
  }

  @Test
  void tokenIsSignedWithHs256() {
    assertEquals("HS256", parse(tokens.issue("user123")).getHeader().getAlgorithm());
  }

  @Test
  void tokenIsSignedWithHs256WhateverTheSecretsLength() {
    String longSecret = "s".repeat(64);
    TokenService service = new TokenService(longSecret, clock);

    Jws<Claims> parsed =
        Jwts.parser()
            .verifyWith(key(longSecret))
            .clock(() -> Date.from(clock.instant()))
            .build()
            .parseSignedClaims(service.issue("user123"));

    assertEquals("HS256", parsed.getHeader().getAlgorithm());
    assertEquals(Optional.of("user123"), service.verify(service.issue("user123")));
  }

  @Test
  void tokenExpiresSevenDaysAfterIssue() {
    Claims claims = parse(tokens.issue("user123")).getPayload();

    assertEquals(clock.instant(), claims.getIssuedAt().toInstant());
    assertEquals(clock.instant().plus(Duration.ofDays(7)), claims.getExpiration().toInstant());
  }

  @Test
  void tokenIsStillValidJustBeforeSevenDays() {
    String token = tokens.issue("user123");

    clock.advance(Duration.ofDays(7).minusSeconds(1));

    assertEquals(Optional.of("user123"), tokens.verify(token));
  }

  @Test
  void tokenIsRefusedAfterSevenDays() {
    String token = tokens.issue("user123");

    clock.advance(Duration.ofDays(7).plusSeconds(1));

    assertEquals(Optional.empty(), tokens.verify(token));
  }

  @Test
  void tokenSignedWithAnotherSecretIsRefused() {
    String foreign = new TokenService(OTHER_SECRET, clock).issue("user123");

    assertEquals(Optional.empty(), tokens.verify(foreign));
  }

  @Test
  void tokenWithAChangedPayloadIsRefused() {
    String[] parts = tokens.issue("user123").split("\\.");
    String forgedPayload =
        Jwts.builder()
            .claim("userId", "admin")
            .expiration(Date.from(clock.instant().plus(Duration.ofDays(7))))
            .signWith(key(OTHER_SECRET))
            .compact()
            .split("\\.")[1];

    String tampered = parts[0] + "." + forgedPayload + "." + parts[2];

    assertEquals(Optional.empty(), tokens.verify(tampered));
  }

  @Test
  void tokenWithAChangedSignatureIsRefused() {
    String token = tokens.issue("user123");
    char last = token.charAt(token.length() - 2);
    String tampered =
        token.substring(0, token.length() - 2)
            + (last == 'A' ? 'B' : 'A')
            + token.charAt(token.length() - 1);

    assertEquals(Optional.empty(), tokens.verify(tampered));
  }

  @Test
  void unsignedTokenIsRefused() {
    String unsigned = Jwts.builder().claim("userId", "user123").compact();

    assertEquals(Optional.empty(), tokens.verify(unsigned));
  }

  @Test
  void signedTokenWithoutUserIdIsRefused() {
    String token =
        Jwts.builder()
            .subject("user123")
            .expiration(Date.from(clock.instant().plus(Duration.ofDays(1))))
            .signWith(key(SECRET))
            .compact();

    assertEquals(Optional.empty(), tokens.verify(token));
  }

  @Test
  void signedTokenWithANumericUserIdIsRefused() {
    String token =
        Jwts.builder()
            .claim("userId", 123)
            .expiration(Date.from(clock.instant().plus(Duration.ofDays(1))))
            .signWith(key(SECRET))
            .compact();

    assertEquals(Optional.empty(), tokens.verify(token));
  }

  @Test
  void garbageIsRefused() {
    assertEquals(Optional.empty(), tokens.verify("not.a.token"));
    assertEquals(Optional.empty(), tokens.verify("garbage"));
    assertEquals(Optional.empty(), tokens.verify("..."));
  }

  @Test
  void blankOrMissingTokenIsRefused() {
    assertEquals(Optional.empty(), tokens.verify(""));
    assertEquals(Optional.empty(), tokens.verify("   "));
    assertEquals(Optional.empty(), tokens.verify(null));
  }

  @Test
  void secretShorterThanThirtyTwoBytesIsRefusedWithItsLength() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TokenService("x".repeat(31)));

    assertEquals("the JWT secret must be at least 32 bytes for HS256, was 31", e.getMessage());
  }

  @Test
  void originalDefaultSecretIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TokenService("change-this-secret"));

    assertEquals("the JWT secret must be at least 32 bytes for HS256, was 18", e.getMessage());
  }

  @Test
  void secretLengthIsCountedInUtf8Bytes() {
    String sixteenTwoByteChars = "é".repeat(16);

    TokenService service = new TokenService(sixteenTwoByteChars, clock);

    assertEquals(Optional.of("u"), service.verify(service.issue("u")));
  }

  @Test
  void secretOfExactlyThirtyTwoBytesIsAccepted() {
    TokenService service = new TokenService("s".repeat(32), clock);

    assertEquals(Optional.of("u"), service.verify(service.issue("u")));
  }
}
