package dev.mia.server.websocket;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.WsClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /ws: seed 003's message stream, on the server's port, sessions and identities. */
class MessageStreamEndpointTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(c -> c.maxConnectionsPerUser(2));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  private static String ws(String query) {
    return server.url().replace("http://", "ws://") + "/ws" + query;
  }

  private static WsClient connect(String userId) {
    WsClient client = WsClient.connect(ws("?token=" + server.token(userId)), Map.of());
    assertEquals("connection", client.next().getString("type"));
    return client;
  }

  private static JSONObject sessionMessage(String sessionId, String text) {
    return new JSONObject()
        .put("type", "session_message")
        .put("session_id", sessionId)
        .put("message_text", text);
  }

  private static List<String> types(List<JSONObject> messages) {
    return messages.stream().map(m -> m.getString("type")).toList();
  }

  @Test
  void aConnectionWithoutATokenIsRefused() {
    assertEquals(401, WsClient.refusedStatus(ws("")));
    assertEquals(401, WsClient.refusedStatus(ws("?token=not-a-token")));
  }

  @Test
  void aTokenInTheAuthorizationHeaderIsTakenToo() {
    try (WsClient client =
        WsClient.connect(ws(""), Map.of("Authorization", "Bearer " + server.token("header")))) {
      JSONObject hello = client.next();

      assertEquals("connection", hello.getString("type"));
      assertEquals("connected", hello.getString("status"));
      Instant.parse(hello.getString("timestamp"));
    }
  }

  @Test
  void aSessionMessageIsEchoedThenAnsweredInPieces() {
    try (WsClient client = connect("stream-user")) {
      client.send(sessionMessage("session-uuid", "I feel anxious today"));

      List<JSONObject> seen = client.until("assistant_message_complete");

      assertEquals("user_message", seen.get(0).getString("type"));
      assertEquals("I feel anxious today", seen.get(0).getString("text"));
      assertEquals("assistant_message_start", seen.get(1).getString("type"));
      StringBuilder chunks = new StringBuilder();
      for (JSONObject m : seen.subList(2, seen.size() - 1)) {
        assertEquals("assistant_message_chunk", m.getString("type"));
        assertEquals(false, m.getBoolean("is_complete"));
        chunks.append(m.getString("chunk"));
      }
      JSONObject complete = seen.get(seen.size() - 1).getJSONObject("message");
      assertEquals(server.fake().replyText(), complete.getString("text"));
      assertEquals(chunks.toString(), complete.getString("text"));
      assertEquals("none", complete.getString("risk_level"));
      assertTrue(!complete.getString("intent").isEmpty());
      for (JSONObject m : seen) {
        Instant.parse(m.getString("timestamp"));
      }
    }
  }

  @Test
  void aCrisisIsEscalatedWithEmergencyResourcesBeforeTheReply() {
    try (WsClient client = connect("crisis-user")) {
      client.send(sessionMessage("crisis-session", "i want to kill myself"));

      List<JSONObject> seen = client.until("assistant_message_complete");

      assertEquals(
          List.of("user_message", "safety_escalation", "assistant_message_start"),
          types(seen.subList(0, 3)));
      JSONObject escalation = seen.get(1);
      assertEquals("high", escalation.getString("risk_level"));
      JSONObject emergency = escalation.getJSONObject("emergency_resources");
      assertTrue(emergency.getString("crisis_hotline").contains("988"), emergency.toString());
      assertTrue(emergency.getString("crisis_text").contains("741741"), emergency.toString());
      assertTrue(!emergency.getString("message").isEmpty());
      assertEquals(
          "high", seen.get(seen.size() - 1).getJSONObject("message").getString("risk_level"));
    }
  }

  @Test
  void pingGetsPong() {
    try (WsClient client = connect("ping-user")) {
      client.send("{\"type\":\"ping\"}");

      JSONObject pong = client.next();

      assertEquals("pong", pong.getString("type"));
      Instant.parse(pong.getString("timestamp"));
    }
  }

  @Test
  void aBadMessageGetsATypedErrorAndTheConnectionStays() {
    try (WsClient client = connect("bad-user")) {
      client.send("not json at all");
      JSONObject notJson = client.next();
      client.send("{\"type\":\"session_message\",\"session_id\":42}");
      JSONObject badField = client.next();
      client.send("{\"type\":\"teleport\"}");
      JSONObject unknown = client.next();
      client.send("{\"type\":\"ping\"}");

      assertEquals("error", notJson.getString("type"));
      assertEquals("INVALID_PAYLOAD", notJson.getString("code"));
      assertEquals("INVALID_PAYLOAD", badField.getString("code"));
      assertEquals("INVALID_PAYLOAD", unknown.getString("code"));
      assertEquals("pong", client.next().getString("type"));
    }
  }

  @Test
  void theSameUserSeesOneConversationOnSocketIoAndWs() {
    String userId = "both-transports";
    try (WsClient ws = connect(userId);
        TestClient socketIo =
            TestClient.connect(
                    server.url(),
                    TestClient.Transport.WEBSOCKET,
                    Optional.of(server.token(userId)),
                    Map.of())
                .connected()) {
      ws.send(sessionMessage("my-session", "hello from ws"));
      String sessionId = ws.await("user_message").getString("session_id");
      ws.await("assistant_message_complete");
      socketIo.emit("join_session", json("sessionId", sessionId));
      JSONObject joined = socketIo.await("session_created");

      ws.send(sessionMessage("my-session", "and again"));

      assertEquals(2, joined.getJSONArray("conversationHistory").length());
      assertEquals("and again", socketIo.await("user_message").getString("message"));
      assertEquals(
          server.fake().replyText(), socketIo.await("message_complete").getString("message"));
    }
  }

  @Test
  void aUsersConnectionsAreCappedAcrossTransports() {
    String userId = "capped";
    try (WsClient first = connect(userId);
        TestClient second =
            TestClient.connect(
                    server.url(),
                    TestClient.Transport.WEBSOCKET,
                    Optional.of(server.token(userId)),
                    Map.of())
                .connected()) {
      assertEquals(429, WsClient.refusedStatus(ws("?token=" + server.token(userId))));
    }
  }
}
