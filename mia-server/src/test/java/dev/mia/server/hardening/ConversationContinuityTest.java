package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.converse;
import static dev.mia.server.hardening.Chat.join;
import static dev.mia.server.hardening.Chat.names;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.withToken;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One conversation across a user's connections and re-joins. */
class ConversationContinuityTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSecondTabSeesTheUsersOwnMessageAndTheSenderDoesNotGetItBack(Transport transport) {
    String token = server.token("two-tabs-" + transport);
    try (TestClient first = withToken(server, transport, token);
        TestClient second = withToken(server, transport, token)) {
      String sessionId = newSession(first);
      join(second, sessionId);
      long before = System.currentTimeMillis();

      converse(first, sessionId, "hello from the first tab");

      JSONObject echo = second.await("user_message");
      assertEquals(sessionId, echo.getString("sessionId"));
      assertEquals("hello from the first tab", echo.getString("message"));
      assertTrue(echo.getLong("timestamp") >= before, "a millisecond timestamp");
      second.await("message_complete"); // and Mia's reply, as before
      assertFalse(names(first.drain()).contains("user_message"), "the sender is not echoed");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aRejoinOfTheUsersOwnSessionSaysItResumedIt(Transport transport) {
    String token = server.token("resume-" + transport);
    try (TestClient client = withToken(server, transport, token)) {
      String sessionId = newSession(client);

      JSONObject again = join(client, sessionId);

      assertEquals(sessionId, again.getString("sessionId"));
      assertTrue(again.getBoolean("resumed"));
      assertFalse(again.has("previousSessionId"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aRejoinOfASessionThatIsGoneSaysSoAndNamesIt(Transport transport) {
    String token = server.token("gone-" + transport);
    try (TestClient client = withToken(server, transport, token)) {
      client.emit("join_session", json("sessionId", "session_GoneGoneGoneGoneGoneGone"));

      JSONObject fresh = client.await("session_created");

      assertFalse(fresh.getBoolean("resumed"));
      assertEquals("session_GoneGoneGoneGoneGoneGone", fresh.getString("previousSessionId"));
      assertTrue(fresh.getString("sessionId").startsWith("session_"));
      assertEquals(0, fresh.getJSONArray("conversationHistory").length());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aNewSessionIsNotResumedAndNamesNoEarlierOne(Transport transport) {
    try (TestClient client = withToken(server, transport, server.token("new-" + transport))) {
      JSONObject fresh = join(client, null);

      assertFalse(fresh.getBoolean("resumed"));
      assertFalse(fresh.has("previousSessionId"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void messageCompleteSaysWhatTheReplySetOutToDoAndTheRisk(Transport transport) {
    try (TestClient client = withToken(server, transport, server.token("intent-" + transport))) {
      String sessionId = newSession(client);

      client.emit("message", json("sessionId", sessionId, "message", "i want to kill myself"));
      JSONObject crisis = client.await("message_complete");
      client.emit("message", json("sessionId", sessionId, "message", "thanks for listening"));
      JSONObject calm = client.await("message_complete");

      assertEquals("crisis_support", crisis.getString("intent"));
      assertEquals("high", crisis.getString("riskLevel"));
      assertEquals("none", calm.getString("riskLevel"));
      assertFalse(calm.getString("intent").isEmpty());
    }
  }
}
