package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.join;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mia.core.auth.TokenService;
import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import io.socket.client.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** With required authentication, only a valid token connects; everything else is refused. */
class RequiredAuthTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(c -> c.requireAuth(true));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  private static void assertRefusedForAuth(TestClient client) {
    JSONObject refusal = client.connectError();
    assertEquals(
        "AUTH_REQUIRED", refusal.getJSONObject("data").getString("code"), refusal.toString());
    assertEquals("Authentication required", refusal.getString("message"));
  }

  private static TestClient connect(Transport transport, Optional<String> authToken) {
    return TestClient.connect(server.url(), transport, authToken, Map.of());
  }

  private static TestClient connectWithHeader(Transport transport, String authorization) {
    return TestClient.connect(
        server.url(), transport, Optional.empty(), Map.of("Authorization", List.of(authorization)));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void refusalIsAConnectErrorWithNoConnectBeforeIt(Transport transport) {
    try (TestClient client = connect(transport, Optional.empty())) {
      List<TestClient.Event> events =
          client.until(Socket.EVENT_CONNECT_ERROR, Socket.EVENT_CONNECT);

      assertEquals(Socket.EVENT_CONNECT_ERROR, events.get(events.size() - 1).name());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectionWithoutATokenIsRefusedWithAuthRequired(Transport transport) {
    try (TestClient client = connect(transport, Optional.empty())) {
      assertRefusedForAuth(client);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectionWithAMalformedTokenIsRefusedWithAuthRequired(Transport transport) {
    try (TestClient client = connect(transport, Optional.of("not-a-jwt"))) {
      assertRefusedForAuth(client);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectionWithAnExpiredTokenIsRefusedWithAuthRequired(Transport transport) {
    Clock eightDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(8)), ZoneOffset.UTC);
    String expired = new TokenService(RunningServer.JWT_SECRET, eightDaysAgo).issue("user123");
    try (TestClient client = connect(transport, Optional.of(expired))) {
      assertRefusedForAuth(client);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectionWithATokenSignedByAnotherSecretIsRefusedWithAuthRequired(Transport transport) {
    String forged =
        new TokenService("another-secret-that-is-also-long-enough-for-hs256").issue("user123");
    try (TestClient client = connect(transport, Optional.of(forged))) {
      assertRefusedForAuth(client);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectionWithAnInvalidBearerHeaderIsRefusedWithAuthRequired(Transport transport) {
    try (TestClient client = connectWithHeader(transport, "Bearer not-a-jwt")) {
      assertRefusedForAuth(client);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectionWithAValidTokenIsAcceptedAsItsUser(Transport transport) {
    try (TestClient client = connect(transport, Optional.of(server.token("user123"))).connected()) {
      assertEquals("user123", join(client, null).getString("userId"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectionWithAValidBearerHeaderIsAcceptedAsItsUser(Transport transport) {
    try (TestClient client =
        connectWithHeader(transport, "Bearer " + server.token("header-user")).connected()) {
      assertEquals("header-user", join(client, null).getString("userId"));
    }
  }
}
