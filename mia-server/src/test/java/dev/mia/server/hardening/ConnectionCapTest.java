package dev.mia.server.hardening;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A user may hold only so many connections; a closed one frees its place. */
class ConnectionCapTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(c -> c.maxConnectionsPerUser(2));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  /** How the user presents its token. */
  enum Presentation {
    AUTH_PACKET,
    BEARER_HEADER
  }

  private static TestClient open(Transport transport, Presentation how, String token) {
    return how == Presentation.AUTH_PACKET
        ? TestClient.connect(server.url(), transport, Optional.of(token), Map.of())
        : TestClient.connect(
            server.url(),
            transport,
            Optional.empty(),
            Map.of("Authorization", List.of("Bearer " + token)));
  }

  /**
   * {@return the connect_error payload, or null if the server took the connection} A refusal comes
   * before any answer to the client's first request, so a {@code session_created} means admitted.
   */
  private static Event admission(TestClient client) {
    client.emit("join_session", json("sessionId", null));
    return client.next("session_created", "connect_error");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aThirdConnectionOfOneUserIsRefusedWithTooManyConnections(Transport transport) {
    for (Presentation how : Presentation.values()) {
      String token = server.token("cap-" + how + "-" + transport);
      try (TestClient first = open(transport, how, token);
          TestClient second = open(transport, how, token)) {
        assertEquals("session_created", admission(first).name());
        assertEquals("session_created", admission(second).name());

        try (TestClient third = open(transport, how, token)) {
          assertEquals(
              "TOO_MANY_CONNECTIONS",
              third.connectError().getJSONObject("data").getString("code"),
              how.toString());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aClosedConnectionFreesItsPlaceForANewOne(Transport transport) throws Exception {
    String token = server.token("cap-freed-" + transport);
    try (TestClient kept = open(transport, Presentation.AUTH_PACKET, token)) {
      TestClient closing = open(transport, Presentation.AUTH_PACKET, token);
      assertEquals("session_created", admission(kept).name());
      assertEquals("session_created", admission(closing).name());
      closing.close();

      // The server notices the close asynchronously: retry, bounded, until a place is free.
      long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
      boolean admitted = false;
      while (!admitted && System.nanoTime() < deadline) {
        try (TestClient next = open(transport, Presentation.AUTH_PACKET, token)) {
          Event outcome = admission(next);
          admitted = outcome.name().equals("session_created");
          if (!admitted) {
            assertEquals(
                "TOO_MANY_CONNECTIONS", outcome.json().getJSONObject("data").getString("code"));
          }
        }
      }
      assertTrue(admitted, "a new connection was admitted after one closed");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anotherUserIsNotAffectedByAUserAtTheCap(Transport transport) {
    String token = server.token("cap-busy-" + transport);
    try (TestClient first = open(transport, Presentation.AUTH_PACKET, token);
        TestClient second = open(transport, Presentation.AUTH_PACKET, token);
        TestClient other =
            open(transport, Presentation.AUTH_PACKET, server.token("cap-other-" + transport))) {
      assertEquals("session_created", admission(first).name());
      assertEquals("session_created", admission(second).name());
      assertEquals("session_created", admission(other).name());
    }
  }
}
