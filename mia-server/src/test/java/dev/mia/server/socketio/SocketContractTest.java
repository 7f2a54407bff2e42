package dev.mia.server.socketio;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.core.auth.TokenService;
import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The compatible part of the wire contract, over both transports, with socket.io-client-java. */
class SocketContractTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static TestClient anonymous(Transport transport) {
    return TestClient.connect(server.url(), transport).connected();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void joinWithoutIdCreatesSessionInInitialState(Transport transport) {
    try (TestClient client = anonymous(transport)) {
      JSONObject session = client.join(null);

      assertTrue(session.getString("sessionId").startsWith("session_"));
      assertTrue(session.getString("userId").startsWith("anon_"));
      assertTrue(session.isNull("age"), "age is present and null");
      assertEquals("GREETING", session.getString("mode"));
      assertEquals(1, session.getInt("safetyTier"));
      assertEquals(0, session.getJSONArray("conversationHistory").length());
      assertTrue(
          session
              .keySet()
              .containsAll(
                  Set.of(
                      "sessionId", "userId", "age", "mode", "safetyTier", "conversationHistory")));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void joinWithEmptyPayloadCreatesSession(Transport transport) {
    try (TestClient client = anonymous(transport)) {
      client.emit("join_session", new JSONObject());

      assertTrue(client.await("session_created").getString("sessionId").startsWith("session_"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void messageStreamsChunksWhoseConcatenationIsTheCompleteMessage(Transport transport) {
    try (TestClient client = anonymous(transport)) {
      String sessionId = client.join(null).getString("sessionId");

      client.emit(
          "message", json("sessionId", sessionId, "message", "Hello, I need someone to talk to"));
      List<Event> events = client.until("message_complete");

      StringBuilder chunks = new StringBuilder();
      for (Event e : events) {
        if (e.name().equals("message_chunk")) {
          assertEquals(sessionId, e.json().getString("sessionId"));
          chunks.append(e.json().getString("chunk"));
        }
      }
      JSONObject complete = events.get(events.size() - 1).json();
      assertEquals(sessionId, complete.getString("sessionId"));
      assertEquals(server.fake().replyText(), complete.getString("message"));
      assertEquals(complete.getString("message"), chunks.toString());
      assertTrue(events.stream().noneMatch(e -> e.name().equals("safety_alert")));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 40, 2_000, 30_000})
  void repliesOfEveryFrameSizeArriveWhole(int tokens) {
    // 1 to 30,000 tokens of 3 bytes: frames under 126 bytes, up to 64 KiB, and beyond.
    List<String> reply = java.util.Collections.nCopies(tokens, "\u00e9\" ");
    server.fake().replyTokens(reply);
    try (TestClient client = anonymous(Transport.WEBSOCKET)) {
      String sessionId = client.join(null).getString("sessionId");

      client.emit("message", json("sessionId", sessionId, "message", "hello"));
      List<Event> events = client.until("message_complete");

      StringBuilder chunks = new StringBuilder();
      events.stream()
          .filter(e -> e.name().equals("message_chunk"))
          .forEach(e -> chunks.append(e.json().getString("chunk")));
      String expected = String.join("", reply);
      assertEquals(expected, chunks.toString());
      assertEquals(expected, events.get(events.size() - 1).json().getString("message"));
    } finally {
      server.fake().replyTokens(dev.mia.core.testing.FakeOpenAi.DEFAULT_TOKENS);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void crisisMessageRaisesTierThreeAlertBeforeTheFirstChunk(Transport transport) {
    try (TestClient client = anonymous(transport)) {
      String sessionId = client.join(null).getString("sessionId");

      client.emit("message", json("sessionId", sessionId, "message", "I want to die"));
      List<Event> events = client.until("message_complete");

      List<String> names = events.stream().map(Event::name).toList();
      int alert = names.indexOf("safety_alert");
      assertTrue(alert >= 0, "an alert was sent: " + names);
      assertTrue(alert < names.indexOf("message_chunk"), "alert before the first chunk: " + names);
      JSONObject payload = events.get(alert).json();
      assertEquals(3, payload.getInt("tier"));
      assertEquals(sessionId, payload.getString("sessionId"));
      assertTrue(payload.getJSONArray("resources").toString().contains("988"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void rejoinReturnsTheFullHistoryWithTimestamps(Transport transport) {
    String sessionId;
    try (TestClient first = anonymous(transport)) {
      sessionId = first.join(null).getString("sessionId");
      first.emit("message", json("sessionId", sessionId, "message", "Hello Mia!"));
      first.await("message_complete");

      first.emit("join_session", json("sessionId", sessionId));
      JSONObject again = first.await("session_created");

      assertEquals(sessionId, again.getString("sessionId"));
      JSONArray history = again.getJSONArray("conversationHistory");
      assertEquals(2, history.length());
      assertEquals("user", history.getJSONObject(0).getString("role"));
      assertEquals("Hello Mia!", history.getJSONObject(0).getString("content"));
      assertEquals("assistant", history.getJSONObject(1).getString("role"));
      assertEquals(server.fake().replyText(), history.getJSONObject(1).getString("content"));
      assertTrue(history.getJSONObject(0).getLong("timestamp") > 0);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void statedAgeSetsAgeAndMirrorLearningMode(Transport transport) {
    try (TestClient client = anonymous(transport)) {
      String sessionId = client.join(null).getString("sessionId");
      client.emit("message", json("sessionId", sessionId, "message", "Hi, I'm 10 years old"));
      client.await("message_complete");

      JSONObject session = client.join(sessionId);

      assertEquals(10, session.getInt("age"));
      assertEquals("MIRROR_LEARNING", session.getString("mode"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void authTokenInConnectPacketGivesTheTokensUserId(Transport transport) {
    String token = server.token("user123");
    try (TestClient client =
        TestClient.connect(server.url(), transport, Optional.of(token), Map.of()).connected()) {
      assertEquals("user123", client.join(null).getString("userId"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void authorizationHeaderGivesTheTokensUserId(Transport transport) {
    String token = server.token("header-user");
    try (TestClient client =
        TestClient.connect(
                server.url(),
                transport,
                Optional.empty(),
                Map.of("Authorization", List.of("Bearer " + token)))
            .connected()) {
      assertEquals("header-user", client.join(null).getString("userId"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void invalidTokenFallsBackToAnAnonymousUser(Transport transport) {
    try (TestClient client =
        TestClient.connect(server.url(), transport, Optional.of("not-a-jwt"), Map.of())
            .connected()) {
      assertTrue(client.join(null).getString("userId").startsWith("anon_"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void tokenSignedWithAnotherSecretFallsBackToAnonymous(Transport transport) {
    String forged =
        new TokenService("another-secret-that-is-also-long-enough-for-hs256").issue("user123");
    try (TestClient client =
        TestClient.connect(server.url(), transport, Optional.of(forged), Map.of()).connected()) {
      assertTrue(client.join(null).getString("userId").startsWith("anon_"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void messageToUnknownSessionGetsAnErrorWithMessageAndDetail(Transport transport) {
    try (TestClient client = anonymous(transport)) {
      client.emit("message", json("sessionId", "session_unknown", "message", "hello"));
      JSONObject error = client.await("error");

      assertEquals("Session not found", error.getString("message"));
      assertTrue(error.has("error"));
      assertEquals("SESSION_NOT_FOUND", error.getString("code"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void modelIsAskedWithModelTemperatureSystemPromptAndHistoryInOrder(Transport transport) {
    try (TestClient client = anonymous(transport)) {
      String sessionId = client.join(null).getString("sessionId");
      client.emit("message", json("sessionId", sessionId, "message", "first message " + transport));
      client.await("message_complete");
      client.emit(
          "message", json("sessionId", sessionId, "message", "second message " + transport));
      client.await("message_complete");

      JsonNode request =
          server.fake().chatRequests().stream()
              .filter(r -> r.toString().contains("second message " + transport))
              .findFirst()
              .orElseThrow();
      assertEquals("gpt-4o", request.get("model").asText());
      assertEquals(0.7, request.get("temperature").asDouble());
      assertTrue(request.get("stream").asBoolean());
      JsonNode messages = request.get("messages");
      assertEquals(4, messages.size());
      assertEquals("system", messages.get(0).get("role").asText());
      assertTrue(messages.get(0).get("content").asText().contains("Mia"));
      assertEquals("first message " + transport, messages.get(1).get("content").asText());
      assertEquals("assistant", messages.get(2).get("role").asText());
      assertEquals(server.fake().replyText(), messages.get(2).get("content").asText());
      assertEquals("user", messages.get(3).get("role").asText());
      assertEquals("second message " + transport, messages.get(3).get("content").asText());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anotherUsersSessionIdStartsAFreshSessionAndRefusesMessages(Transport transport) {
    String owned;
    try (TestClient owner = anonymous(transport)) {
      owned = owner.join(null).getString("sessionId");
      owner.emit("message", json("sessionId", owned, "message", "private words"));
      owner.await("message_complete");

      try (TestClient other = anonymous(transport)) {
        JSONObject joined = other.join(owned);
        assertNotEquals(owned, joined.getString("sessionId"));
        assertEquals(0, joined.getJSONArray("conversationHistory").length());

        other.emit("message", json("sessionId", owned, "message", "let me in"));
        assertEquals("SESSION_NOT_FOUND", other.await("error").getString("code"));
      }
    }
  }
}
