package dev.mia.server.cluster;

import static dev.mia.server.hardening.Chat.converse;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.withToken;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The connection cap and the rate limit count a user's connections and messages on every server.
 */
class ClusterLimitsTest {
  private static TwoServers servers;

  @BeforeAll
  static void start() {
    servers =
        TwoServers.start(c -> c.maxConnectionsPerUser(2).rateLimitBurst(2).rateLimitPerMinute(1));
  }

  @AfterAll
  static void stop() {
    if (servers != null) {
      servers.close();
    }
  }

  private static TestClient open(RunningServer server, Transport transport, String token) {
    return TestClient.connect(server.url(), transport, Optional.of(token), Map.of());
  }

  /** {@return the connect_error, or the session_created that says the connection was admitted} */
  private static Event admission(TestClient client) {
    client.emit("join_session", json("sessionId", null));
    return client.next("session_created", "connect_error");
  }

  private static String refusalCode(Event event) {
    return event.json().getJSONObject("data").getString("code");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theConnectionCapCountsTheConnectionsOnBothServers(Transport transport) {
    String token = servers.a().token("cap-both-" + transport);
    try (TestClient first = open(servers.a(), transport, token);
        TestClient second = open(servers.b(), transport, token)) {
      assertEquals("session_created", admission(first).name());
      assertEquals("session_created", admission(second).name());

      try (TestClient thirdOnA = open(servers.a(), transport, token);
          TestClient thirdOnB = open(servers.b(), transport, token)) {
        assertEquals("TOO_MANY_CONNECTIONS", refusalCode(admission(thirdOnA)));
        assertEquals("TOO_MANY_CONNECTIONS", refusalCode(admission(thirdOnB)));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aConnectionClosedOnOneServerFreesItsPlaceOnTheOther(Transport transport) {
    String token = servers.a().token("cap-freed-" + transport);
    try (TestClient kept = open(servers.a(), transport, token)) {
      TestClient closing = open(servers.b(), transport, token);
      assertEquals("session_created", admission(kept).name());
      assertEquals("session_created", admission(closing).name());
      closing.close();

      // Server B gives the place back when it notices the close: retry, bounded, until it is free.
      long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
      boolean admitted = false;
      while (!admitted && System.nanoTime() < deadline) {
        try (TestClient next = open(servers.a(), transport, token)) {
          Event outcome = admission(next);
          admitted = outcome.name().equals("session_created");
          if (!admitted) {
            assertEquals("TOO_MANY_CONNECTIONS", refusalCode(outcome));
          }
        }
      }
      assertTrue(admitted, "a connection on A was admitted after one on B closed");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aBurstSpentOnOneServerIsSpentOnTheOther(Transport transport) throws Exception {
    String token = servers.a().token("burst-" + transport);
    try (TestClient onA = withToken(servers.a(), transport, token);
        TestClient onB = withToken(servers.b(), transport, token)) {
      String onASession = newSession(onA);
      String onBSession = newSession(onB);
      converse(onA, onASession, "one");
      converse(onA, onASession, "two");

      JSONObject ack =
          (JSONObject)
              onB.emitWithAck("message", json("sessionId", onBSession, "message", "three"))
                  .get(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);

      assertFalse(ack.getBoolean("ok"));
      assertEquals("RATE_LIMITED", ack.getString("code"));
    }
  }
}
