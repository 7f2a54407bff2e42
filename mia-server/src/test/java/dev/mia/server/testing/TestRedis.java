package dev.mia.server.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mia.server.config.RedisAddress;
import java.util.UUID;

/**
 * The Redis that cluster tests share, from {@code MIA_TEST_REDIS_URL} (for instance the one {@code
 * .ci/redis.sh} starts). Without it those tests are skipped, unless {@code
 * MIA_REQUIRE_REAL_SERVERS=1} says they must run: then they fail. Each test keeps its keys under a
 * prefix of its own, so tests never see each other's and may share one Redis.
 */
public final class TestRedis {
  private static final String VARIABLE = "MIA_TEST_REDIS_URL";

  private TestRedis() {}

  /** {@return the test Redis; skips the test, or fails it, when there is none} */
  public static RedisAddress address() {
    String url = System.getenv(VARIABLE);
    if (url == null || url.isBlank()) {
      if ("1".equals(System.getenv("MIA_REQUIRE_REAL_SERVERS"))) {
        fail(
            VARIABLE
                + " is not set but MIA_REQUIRE_REAL_SERVERS=1: start a Redis (.ci/redis.sh prints"
                + " its URL) and set "
                + VARIABLE
                + " to it");
      }
      assumeTrue(false, VARIABLE + " is not set: no Redis to test the cluster on");
    }
    return RedisAddress.parse(url);
  }

  /** {@return a key prefix no other test uses} */
  public static String newKeyPrefix() {
    return "mia-test-" + UUID.randomUUID() + ":";
  }
}
