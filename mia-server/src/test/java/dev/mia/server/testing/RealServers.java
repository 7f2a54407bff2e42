package dev.mia.server.testing;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL and Redis servers some tests use, named by environment variables ({@code
 * MIA_TEST_POSTGRES_URL}, {@code MIA_TEST_REDIS_URL}). Without one a test is skipped, unless {@code
 * MIA_REQUIRE_REAL_SERVERS=1} (as CI sets it, having started both), when a missing server fails the
 * test instead: CI cannot pass by skipping.
 */
public final class RealServers {
  private RealServers() {}

  /** {@return the JDBC URL of the test PostgreSQL, or skips (or fails, in CI)} */
  public static String postgres() {
    return required("MIA_TEST_POSTGRES_URL", "a PostgreSQL server");
  }

  /** {@return the URL of the test Redis, or skips (or fails, in CI)} */
  public static String redis() {
    return required("MIA_TEST_REDIS_URL", "a Redis server");
  }

  private static String required(String variable, String what) {
    Optional<String> value = Optional.ofNullable(System.getenv(variable)).filter(v -> !v.isBlank());
    if (value.isEmpty() && "1".equals(System.getenv("MIA_REQUIRE_REAL_SERVERS"))) {
      throw new AssertionError(
          variable + " is not set, and MIA_REQUIRE_REAL_SERVERS=1 requires " + what);
    }
    Assumptions.assumeTrue(value.isPresent(), variable + " names no " + what + "; skipped");
    return value.get();
  }
}
