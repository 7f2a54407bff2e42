package dev.mia.server.websocket;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.session.Feedback;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.session.ProgressMarker;
import dev.mia.server.hardening.Chat;
import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.WsClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /ws/chat: seed 004's therapeutic chat, on the server's port, sessions and identities. The seed's
 * "Testing" scenarios come first, then the rest of the protocol.
 */
class ChatEndpointTest {
  private static final InMemorySessionStore store = new InMemorySessionStore();
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(store, c -> c.maxConnectionsPerUser(3));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  private static String ws(String query) {
    return server.url().replace("http://", "ws://") + "/ws/chat" + query;
  }

  /** {@return a client of {@code userId}, past the welcome message} */
  private static WsClient connect(String userId, String query) {
    WsClient client = WsClient.connect(ws("?token=" + server.token(userId) + query), Map.of());
    JSONObject welcome = client.next();
    assertEquals("system", welcome.getString("role"), welcome.toString());
    return client;
  }

  private static WsClient connect(String userId) {
    return connect(userId, "");
  }

  private static JSONObject userMessage(Object sessionId, String text) {
    return new JSONObject()
        .put("type", "user_message")
        .put("session_id", sessionId == null ? JSONObject.NULL : sessionId)
        .put("content", new JSONObject().put("text", text))
        .put("metadata", new JSONObject().put("character_id", "c1").put("world_id", "w1"));
  }

  private static JSONObject click(String sessionId, String id) {
    return new JSONObject()
        .put("type", "interaction")
        .put("session_id", sessionId)
        .put("content", new JSONObject().put("action", "button_click").put("id", id));
  }

  private static JSONObject feedback(String sessionId, Object rating, Object text) {
    return new JSONObject()
        .put("type", "feedback")
        .put("session_id", sessionId)
        .put("content", new JSONObject().put("rating", rating).put("text", text));
  }

  private static List<JSONObject> elements(JSONObject message) {
    JSONArray array = message.getJSONObject("content").getJSONArray("elements");
    List<JSONObject> list = new ArrayList<>();
    for (int i = 0; i < array.length(); i++) {
      list.add(array.getJSONObject(i));
    }
    return list;
  }

  private static List<String> ids(List<JSONObject> elements, String type) {
    return elements.stream()
        .filter(e -> type.equals(e.getString("type")))
        .map(e -> e.getString("id"))
        .toList();
  }

  /** {@return the next message, checked to be an error of {@code code}} */
  private static JSONObject error(WsClient client, String code) {
    JSONObject message = client.next();
    assertEquals("system", message.getString("role"), message.toString());
    JSONObject content = message.getJSONObject("content");
    assertEquals("error", content.getString("event"), message.toString());
    assertEquals(code, content.getString("code"), message.toString());
    assertFalse(content.getString("text").isBlank());
    return message;
  }

  private static void assertSeedShape(JSONObject message) {
    assertTrue(message.getString("id").startsWith("msg_"), message.toString());
    assertTrue(
        List.of("assistant", "system", "interactive", "user").contains(message.getString("role")));
    assertTrue(message.has("session_id"), message.toString());
    assertTrue(message.get("content") instanceof JSONObject, message.toString());
    Instant.parse(message.getString("timestamp"));
    assertTrue(message.get("metadata") instanceof JSONObject, message.toString());
  }

  // ---- seed 004, "Testing"

  @Test
  void connectingWithoutATokenIsClosedWithPolicyViolation() {
    for (String query : List.of("", "?token=", "?token=not-a-token")) {
      try (WsClient client = WsClient.connect(ws(query), Map.of())) {
        JSONObject closed = client.next();

        assertEquals("_closed", closed.getString("type"), query + ": " + closed);
        assertEquals(1008, closed.getInt("code"), query);
      }
    }
  }

  @Test
  void aBadBearerHeaderIsClosedWithPolicyViolationToo() {
    try (WsClient client = WsClient.connect(ws(""), Map.of("Authorization", "Bearer " + "x.y.z"))) {
      assertEquals(1008, client.next().getInt("code"));
    }
  }

  @Test
  void connectingWithAValidTokenGivesAWelcomeSystemMessage() {
    try (WsClient query = WsClient.connect(ws("?token=" + server.token("welcome")), Map.of());
        WsClient header =
            WsClient.connect(
                ws(""), Map.of("Authorization", "Bearer " + server.token("welcome-header")))) {
      for (JSONObject welcome : List.of(query.next(), header.next())) {
        assertSeedShape(welcome);
        assertEquals("system", welcome.getString("role"));
        assertEquals(JSONObject.NULL, welcome.get("session_id"));
        assertFalse(welcome.getJSONObject("content").getString("text").isBlank());
        assertEquals(
            false, welcome.getJSONObject("metadata").getJSONObject("safety").getBoolean("crisis"));
      }
    }
  }

  @Test
  void aUserMessageGetsAnAssistantResponse() {
    try (WsClient client = connect("replied")) {
      client.send(userMessage("chat-1", "Hello Mia"));

      JSONObject reply = client.next();

      assertSeedShape(reply);
      assertEquals("assistant", reply.getString("role"));
      assertEquals("chat-1", reply.getString("session_id"));
      assertEquals(server.fake().replyText(), reply.getJSONObject("content").getString("text"));
      assertEquals(List.of(), elements(reply));
      JSONObject safety = reply.getJSONObject("metadata").getJSONObject("safety");
      assertEquals(false, safety.getBoolean("crisis"));
      assertEquals(0, safety.getJSONArray("types").length());
      assertEquals(0, reply.getJSONObject("metadata").getJSONArray("recommendations").length());
      assertEquals("none", reply.getJSONObject("metadata").getString("risk_level"));
    }
  }

  @Test
  void anInteractionGetsAnInteractiveResponse() {
    try (WsClient client = connect("interacting")) {
      client.send(click("chat-2", "some_button"));

      JSONObject response = client.next();

      assertSeedShape(response);
      assertEquals("interactive", response.getString("role"));
      assertEquals("chat-2", response.getString("session_id"));
      List<JSONObject> elements = elements(response);
      assertEquals(1, elements.size());
      assertEquals("ack", elements.get(0).getString("type"));
      assertEquals("some_button", elements.get(0).getString("id"));
    }
  }

  @Test
  void aGuidedExerciseGivesAnInstructionAndACompleteButtonWhoseClickRecordsProgress() {
    String userId = "exercising";
    try (WsClient client = connect(userId)) {
      client.send(click("calm-down", "ex_breathing"));
      JSONObject instruction = client.next();
      client.send(click("calm-down", "ex_breathing_complete"));
      JSONObject progress = client.next();

      assertEquals("interactive", instruction.getString("role"));
      List<JSONObject> steps = elements(instruction);
      assertEquals(List.of("ex_breathing_steps"), ids(steps, "instruction"));
      assertTrue(steps.get(0).getString("label").contains("Breathe in"), steps.toString());
      assertEquals(List.of("ex_breathing_complete"), ids(steps, "button"));

      assertEquals("interactive", progress.getString("role"));
      List<JSONObject> acknowledged = elements(progress);
      assertEquals("progress", acknowledged.get(0).getString("type"));
      JSONObject marker = acknowledged.get(0).getJSONObject("marker");
      assertEquals(acknowledged.get(0).getString("id"), marker.getString("marker_id"));
      assertEquals("SKILL_ACQUIRED", marker.getString("marker_type"));
      Instant.parse(marker.getString("achieved_at"));

      String sessionId = SessionAliases.derived(userId, "calm-down");
      List<ProgressMarker> stored = store.progress(sessionId).toCompletableFuture().join();
      assertEquals(1, stored.size());
      assertEquals(marker.getString("marker_id"), stored.get(0).markerId());
      assertEquals(ProgressMarker.SKILL_ACQUIRED, stored.get(0).markerType());
      assertEquals(marker.getString("description"), stored.get(0).description());
      assertEquals(marker.getDouble("therapeutic_value"), stored.get(0).therapeuticValue());
    }
  }

  // ---- the rest of the protocol

  @Test
  void aCrisisMessageCarriesMiasCrisisResourcesAndExercises() {
    try (WsClient client = connect("in-crisis")) {
      client.send(userMessage("crisis-chat", "i want to kill myself"));

      JSONObject reply = client.next();

      List<JSONObject> resources =
          elements(reply).stream().filter(e -> e.getString("type").equals("resource")).toList();
      assertEquals(3, resources.size(), reply.toString());
      assertEquals("phone", resources.get(0).getString("method"));
      assertTrue(resources.get(0).getString("info").contains("988"));
      assertFalse(resources.get(0).getBoolean("emergency"));
      assertEquals("text", resources.get(1).getString("method"));
      assertTrue(resources.get(1).getString("info").contains("741741"));
      assertTrue(resources.get(2).getBoolean("emergency"), resources.get(2).toString());
      for (JSONObject resource : resources) {
        assertFalse(resource.getString("id").isBlank());
        assertFalse(resource.getString("label").isBlank());
      }
      assertTrue(ids(elements(reply), "button").contains("ex_breathing"), reply.toString());
      JSONObject safety = reply.getJSONObject("metadata").getJSONObject("safety");
      assertTrue(safety.getBoolean("crisis"));
      assertTrue(safety.getJSONArray("types").length() > 0);
      assertEquals("high", reply.getJSONObject("metadata").getString("risk_level"));
    }
  }

  @Test
  void aModerateTierMessageCarriesResourcesToo() {
    try (WsClient client = connect("moderate")) {
      client.send(userMessage("moderate-chat", "i drink vodka before school to feel ok"));

      JSONObject reply = client.next();

      assertTrue(reply.getJSONObject("metadata").getJSONObject("safety").getBoolean("crisis"));
      assertEquals(3, ids(elements(reply), "resource").size(), reply.toString());
    }
  }

  @Test
  void anxietyOffersGuidedExerciseButtonsAndRecommendations() {
    try (WsClient client = connect("anxious")) {
      client.send(userMessage("anxious-chat", "I'm so anxious, I think I'm having a panic attack"));

      JSONObject reply = client.next();

      List<String> buttons = ids(elements(reply), "button");
      assertTrue(buttons.containsAll(List.of("ex_breathing", "ex_grounding")), buttons.toString());
      assertEquals(List.of(), ids(elements(reply), "resource"));
      JSONArray recommendations = reply.getJSONObject("metadata").getJSONArray("recommendations");
      assertEquals("ex_breathing", recommendations.getJSONObject(0).getString("recommendation_id"));
    }
  }

  @Test
  void typingOptInWrapsEachReplyInStartAndStop() {
    for (String yes : List.of("1", "true", "YES")) {
      try (WsClient client = connect("typist", "&typing=" + yes)) {
        client.send(userMessage("typed", "Hello"));
        client.send(userMessage("typed", "[fail] and now?"));

        List<JSONObject> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          seen.add(client.next());
        }

        assertEquals(
            List.of("typing:start", "assistant", "typing:stop", "typing:start", "error"),
            seen.subList(0, 5).stream().map(ChatEndpointTest::kind).toList(),
            yes);
        assertEquals("typing:stop", kind(seen.get(5)));
        assertEquals("typed", seen.get(0).getString("session_id"));
        assertEquals("MODEL_UNAVAILABLE", seen.get(4).getJSONObject("content").getString("code"));
      }
    }
  }

  @Test
  void withoutTheOptInThereAreNoTypingMessages() {
    try (WsClient client = connect("not-typing", "&typing=0")) {
      client.send(userMessage("untyped", "Hello"));

      assertEquals("assistant", client.next().getString("role"));
    }
  }

  private static String kind(JSONObject message) {
    JSONObject content = message.getJSONObject("content");
    if ("typing".equals(content.optString("event"))) {
      return "typing:" + content.getString("status");
    }
    if ("error".equals(content.optString("event"))) {
      return "error";
    }
    return message.getString("role");
  }

  @Test
  void feedbackIsValidatedAndKeptWithTheSession() {
    String userId = "rating";
    try (WsClient client = connect(userId)) {
      client.send(feedback("rated", 9, "great"));
      error(client, "INVALID_PAYLOAD");
      client.send(feedback("rated", 0, JSONObject.NULL));
      error(client, "INVALID_PAYLOAD");
      client.send(feedback("rated", "five", "x"));
      error(client, "INVALID_PAYLOAD");
      client.send(feedback("rated", 4.5, "x"));
      error(client, "INVALID_PAYLOAD");
      client.send(feedback("rated", 4, 42));
      error(client, "INVALID_PAYLOAD");
      client.send(feedback("rated", 4, "x".repeat(Feedback.MAX_TEXT_CHARS + 1)));
      error(client, "MESSAGE_TOO_LONG");
      String sessionId = SessionAliases.derived(userId, "rated");
      assertEquals(List.of(), store.feedback(sessionId).toCompletableFuture().join());

      client.send(feedback("rated", 4, "It helped to talk"));
      JSONObject thanks = client.next();

      assertEquals("system", thanks.getString("role"));
      assertEquals("rated", thanks.getString("session_id"));
      assertEquals(4, thanks.getJSONObject("metadata").getJSONObject("feedback").getInt("rating"));
      List<Feedback> kept = store.feedback(sessionId).toCompletableFuture().join();
      assertEquals(1, kept.size());
      assertEquals(4, kept.get(0).rating());
      assertEquals(Optional.of("It helped to talk"), kept.get(0).text());
    }
  }

  @Test
  void badMessagesGetTypedErrorsAndTheConnectionStaysUsable() {
    try (WsClient client = connect("clumsy")) {
      client.send("not json at all");
      error(client, "INVALID_PAYLOAD");
      client.send("[1, 2, 3]");
      error(client, "INVALID_PAYLOAD");
      client.send("{\"type\":\"teleport\",\"content\":{}}");
      error(client, "INVALID_PAYLOAD");
      client.send("{\"type\":\"user_message\",\"content\":\"just a string\"}");
      error(client, "INVALID_PAYLOAD");
      client.send("{\"type\":\"user_message\",\"session_id\":42,\"content\":{\"text\":\"hi\"}}");
      error(client, "INVALID_PAYLOAD");
      client.send("{\"type\":\"user_message\",\"content\":{\"text\":\"hi\"},\"metadata\":7}");
      error(client, "INVALID_PAYLOAD");
      client.send("{\"type\":\"interaction\",\"content\":{\"action\":\"button_click\"}}");
      error(client, "INVALID_PAYLOAD");
      client.send(userMessage("clumsy-chat", "   "));
      JSONObject empty = error(client, "EMPTY_MESSAGE");
      client.send(userMessage("clumsy-chat", "x".repeat(5000)));
      error(client, "MESSAGE_TOO_LONG");

      client.send(userMessage("clumsy-chat", "Still there?"));

      assertEquals("clumsy-chat", empty.getString("session_id"));
      assertEquals("assistant", client.next().getString("role"));
    }
  }

  @Test
  void messagesWithoutASessionIdShareTheConnectionsOwnSession() {
    try (WsClient client = connect("no-names")) {
      client.send(userMessage(null, "first"));
      JSONObject first = client.next();
      client.send(userMessage(null, "second"));
      JSONObject second = client.next();

      String sessionId = first.getString("session_id");
      assertTrue(sessionId.startsWith("session_"), sessionId);
      assertEquals(sessionId, second.getString("session_id"));
      assertEquals(
          4,
          store
              .find(sessionId)
              .toCompletableFuture()
              .join()
              .orElseThrow()
              .conversationHistory()
              .size());
    }
  }

  @Test
  void anotherUsersSessionIdNamesAnAliasOfYourOwnNotTheirSession() {
    try (WsClient alice = connect("alice-chat");
        WsClient bob = connect("bob-chat")) {
      alice.send(userMessage(null, "my secret"));
      String alicesSession = alice.next().getString("session_id");

      bob.send(userMessage(alicesSession, "let me in"));
      JSONObject reply = bob.next();

      assertEquals(alicesSession, reply.getString("session_id"), "named as bob named it");
      assertEquals(
          2,
          store
              .find(alicesSession)
              .toCompletableFuture()
              .join()
              .orElseThrow()
              .conversationHistory()
              .size());
      assertEquals(
          "bob-chat",
          store
              .find(SessionAliases.derived("bob-chat", alicesSession))
              .toCompletableFuture()
              .join()
              .orElseThrow()
              .userId());
    }
  }

  @Test
  void theSameUserSeesOneConversationOnSocketIoWsAndWsChat() {
    String userId = "three-transports";
    try (TestClient socketIo =
            Chat.withToken(server, TestClient.Transport.WEBSOCKET, token(userId));
        WsClient chat = connect(userId);
        WsClient stream =
            WsClient.connect(
                server.url().replace("http://", "ws://") + "/ws?token=" + token(userId),
                Map.of())) {
      stream.await("connection");
      String sessionId = Chat.newSession(socketIo);

      // /ws/chat names the Socket.IO session by its id.
      chat.send(userMessage(sessionId, "from ws/chat"));
      assertEquals("assistant", chat.next().getString("role"));
      assertEquals("from ws/chat", socketIo.await("user_message").getString("message"));
      socketIo.await("message_complete");

      // /ws names it too; /ws/chat follows it now and sees the message and the reply live.
      stream.send(
          new JSONObject()
              .put("type", "session_message")
              .put("session_id", sessionId)
              .put("message_text", "from ws"));
      stream.await("assistant_message_complete");
      JSONObject echoed = chat.next();
      assertEquals("user", echoed.getString("role"));
      assertEquals(sessionId, echoed.getString("session_id"));
      assertEquals("from ws", echoed.getJSONObject("content").getString("text"));
      assertEquals("assistant", chat.next().getString("role"));
      assertEquals("from ws", socketIo.await("user_message").getString("message"));
      socketIo.await("message_complete");

      // Socket.IO's message reaches both plain WebSockets.
      socketIo.emit("message", json("sessionId", sessionId, "message", "from socket.io"));
      JSONObject relayed = chat.next();
      assertEquals("from socket.io", relayed.getJSONObject("content").getString("text"));
      assertEquals("assistant", chat.next().getString("role"));
      assertEquals("from socket.io", stream.await("user_message").getString("text"));
      stream.await("assistant_message_complete");
      socketIo.await("message_complete");

      JSONArray history = Chat.history(socketIo, sessionId);
      List<String> said = new ArrayList<>();
      for (int i = 0; i < history.length(); i++) {
        JSONObject m = history.getJSONObject(i);
        said.add(m.getString("role") + ": " + m.getString("content"));
      }
      String reply = "assistant: " + server.fake().replyText();
      assertEquals(
          List.of(
              "user: from ws/chat", reply, "user: from ws", reply, "user: from socket.io", reply),
          said);
    }
  }

  private static String token(String userId) {
    return server.token(userId);
  }

  @Test
  void aUsersConnectionsAreCappedAcrossTransportsWithTryAgainLater() {
    String userId = "capped-chat";
    try (WsClient first = connect(userId);
        WsClient second = connect(userId);
        TestClient third =
            Chat.withToken(server, TestClient.Transport.WEBSOCKET, server.token(userId));
        WsClient fourth = WsClient.connect(ws("?token=" + server.token(userId)), Map.of())) {
      JSONObject closed = fourth.next();

      assertEquals("_closed", closed.getString("type"), closed.toString());
      assertEquals(1013, closed.getInt("code"));
    }
  }
}
