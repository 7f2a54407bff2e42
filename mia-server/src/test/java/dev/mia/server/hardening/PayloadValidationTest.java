package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.anonymous;
import static dev.mia.server.hardening.Chat.converse;
import static dev.mia.server.hardening.Chat.entries;
import static dev.mia.server.hardening.Chat.history;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.withToken;
import static dev.mia.server.testing.TestClient.json;
import static dev.mia.server.testing.TestClient.rawJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests get an {@code error} with a stable code (and a refusing acknowledgement),
 * store nothing, and leave the connection working.
 */
class PayloadValidationTest {
  private static final int MAX_CHARS = 100;
  private static final int PACKET_LIMIT = 1_000_000;

  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(c -> c.maxMessageChars(MAX_CHARS));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  /** One malformed request: the event, its payload given the caller's own session, the code. */
  record Malformed(String event, Function<String, Object> payload, String code) {}

  private static Arguments row(String name, String event, Function<String, Object> p, String code) {
    return Arguments.of(Named.of(name, new Malformed(event, p, code)));
  }

  private static Arguments message(String name, Function<String, Object> p, String code) {
    return row(name, "message", p, code);
  }

  private static Arguments messageText(String name, Object text, String code) {
    return message(name, s -> json("sessionId", s, "message", text), code);
  }

  private static Arguments sessionId(String name, Object id, String code) {
    return message(name, s -> json("sessionId", id, "message", "hello"), code);
  }

  private static String nested(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  static Stream<Arguments> malformed() {
    String invalid = "INVALID_PAYLOAD";
    List<Arguments> rows = new ArrayList<>();
    // The payload itself is not an object.
    rows.add(message("payload is a string", s -> "hello", invalid));
    rows.add(message("payload is a number", s -> 42, invalid));
    rows.add(message("payload is an array", s -> new JSONArray().put(s).put("hello"), invalid));
    rows.add(message("payload is true", s -> true, invalid));
    rows.add(message("payload is null", s -> JSONObject.NULL, invalid));
    // sessionId.
    rows.add(message("sessionId missing", s -> json("message", "hello"), invalid));
    rows.add(sessionId("sessionId null", null, invalid));
    rows.add(sessionId("sessionId a number", 12345, invalid));
    rows.add(sessionId("sessionId an object", json("id", "session_x"), invalid));
    rows.add(sessionId("sessionId an array", new JSONArray().put("session_x"), invalid));
    rows.add(sessionId("sessionId empty", "", invalid));
    rows.add(sessionId("sessionId of 129 chars", "s".repeat(129), invalid));
    rows.add(sessionId("sessionId with spaces", "session abc", invalid));
    rows.add(sessionId("sessionId with unicode", "séssion_ü😀", invalid));
    rows.add(sessionId("sessionId with ../", "../session_x", invalid));
    rows.add(
        sessionId("sessionId well formed but unknown", "session_unknown", "SESSION_NOT_FOUND"));
    rows.add(sessionId("sessionId of 128 chars, unknown", "s".repeat(128), "SESSION_NOT_FOUND"));
    // message.
    rows.add(message("message missing", s -> json("sessionId", s), invalid));
    rows.add(messageText("message a number", 7, invalid));
    rows.add(messageText("message an object", json("text", "hello"), invalid));
    rows.add(messageText("message an array", new JSONArray().put("hello"), invalid));
    rows.add(messageText("message null", null, invalid));
    rows.add(messageText("message a boolean", false, invalid));
    rows.add(messageText("message empty", "", "EMPTY_MESSAGE"));
    rows.add(messageText("message only white space", "  \n\t ", "EMPTY_MESSAGE"));
    rows.add(messageText("message over the limit", "x".repeat(MAX_CHARS + 1), "MESSAGE_TOO_LONG"));
    rows.add(messageText("message with U+0000", "hel\u0000lo", invalid));
    rows.add(messageText("message with U+0007", "hel\u0007lo", invalid));
    rows.add(messageText("message with a lone high surrogate", rawJson("\"a\\ud800b\""), invalid));
    rows.add(messageText("message with a lone low surrogate", rawJson("\"a\\udc00b\""), invalid));
    rows.add(
        message(
            "a 500 KB extra field and no message",
            s -> json("sessionId", s, "padding", "p".repeat(500_000)),
            invalid));
    rows.add(messageText("message a deeply nested object", rawJson(nested(500)), invalid));
    // join_session.
    rows.add(row("join_session with a number", "join_session", s -> 7, invalid));
    rows.add(row("join_session with a string", "join_session", s -> s, invalid));
    rows.add(
        row("join_session with an array", "join_session", s -> new JSONArray().put(s), invalid));
    rows.add(row("join_session with true", "join_session", s -> true, invalid));
    rows.add(
        row("join_session with a number id", "join_session", s -> json("sessionId", 7), invalid));
    rows.add(
        row("join_session with an empty id", "join_session", s -> json("sessionId", ""), invalid));
    rows.add(
        row(
            "join_session with a ../ id",
            "join_session",
            s -> json("sessionId", "../" + s),
            invalid));
    rows.add(
        row(
            "join_session with an id of 129 chars",
            "join_session",
            s -> json("sessionId", "s".repeat(129)),
            invalid));
    List<Arguments> both = new ArrayList<>();
    for (Transport transport : Transport.values()) {
      for (Arguments r : rows) {
        both.add(Arguments.of(transport, r.get()[0]));
      }
    }
    return both.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("malformed")
  void malformedRequestGetsItsCodeStoresNothingAndLeavesTheConnectionUsable(
      Transport transport, Malformed request) throws Exception {
    try (TestClient client = anonymous(server, transport)) {
      String own = newSession(client);

      Object ack =
          client
              .emitWithAck(request.event(), request.payload().apply(own))
              .get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
      JSONObject error = client.await("error");

      assertEquals(request.code(), error.getString("code"));
      assertFalse(error.getString("message").isBlank());
      assertTrue(error.has("error"));
      assertTrue(error.toString().length() < 1000, "the error does not echo the payload");
      assertFalse(((JSONObject) ack).getBoolean("ok"));
      assertEquals(request.code(), ((JSONObject) ack).getString("code"));

      String reply = converse(client, own, "hello again");
      assertEquals(
          List.of("user: hello again", "assistant: " + reply), entries(history(client, own)));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void goodMessageIsAcknowledgedWithOk(Transport transport) throws Exception {
    try (TestClient client = anonymous(server, transport)) {
      String own = newSession(client);

      JSONObject ack =
          (JSONObject)
              client
                  .emitWithAck("message", json("sessionId", own, "message", "hello"))
                  .get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);

      assertTrue(ack.getBoolean("ok"));
      assertFalse(ack.has("code"));
      client.await("message_complete");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void messageOfExactlyTheLimitIsAccepted(Transport transport) {
    try (TestClient client = anonymous(server, transport)) {
      String own = newSession(client);

      converse(client, own, "y".repeat(MAX_CHARS));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aHugeExtraFieldBesideAGoodMessageIsIgnored(Transport transport) {
    try (TestClient client = anonymous(server, transport)) {
      String own = newSession(client);
      client.emit(
          "message", json("sessionId", own, "message", "hello", "padding", "p".repeat(500_000)));
      client.await("message_complete");

      assertEquals("user: hello", entries(history(client, own)).get(0));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aPacketJustUnderTheLimitWithAnOverlongMessageIsRefusedAndTheConnectionStays(
      Transport transport) {
    try (TestClient client = anonymous(server, transport)) {
      String own = newSession(client);
      client.emit("message", json("sessionId", own, "message", "m".repeat(PACKET_LIMIT - 1000)));

      assertEquals("MESSAGE_TOO_LONG", client.await("error").getString("code"));
      converse(client, own, "still here");
    }
  }

  static Stream<Arguments> undecodable() {
    List<Arguments> rows = new ArrayList<>();
    for (Transport transport : Transport.values()) {
      rows.add(Arguments.of(transport, Named.of("not JSON", rawJson("\"hello\" oops"))));
      rows.add(Arguments.of(transport, Named.of("nested 2000 deep", rawJson(nested(2000)))));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("undecodable")
  void aPacketThatCannotBeDecodedIsDroppedAndTheConnectionKeepsWorking(
      Transport transport, Object message) {
    try (TestClient client = anonymous(server, transport)) {
      String own = newSession(client);
      client.emit("message", json("sessionId", own, "message", message));

      String reply = converse(client, own, "still here");
      assertEquals(
          List.of("user: still here", "assistant: " + reply), entries(history(client, own)));
      assertTrue(client.isConnected());
    }
  }

  @Test
  void theRestOfALongPacketIsNeverReadAsAnotherPacket() {
    try (TestClient client = anonymous(server, Transport.WEBSOCKET)) {
      String own = newSession(client);
      // The JSON reader takes 8000 bytes at a time. A reader that stops after the arguments it
      // wants leaves the rest of a long packet behind; that rest must not become a packet, here a
      // join_session hidden in a second argument that starts exactly at byte 8000.
      String first = "{\"sessionId\":\"" + own + "\",\"message\":\"hello\"}";
      int before = "[\"message\",".length() + first.length() + ",\"".length();
      String second = "\"" + "p".repeat(8000 - before) + "42[\"join_session\",null]";
      client.emit("message", rawJson(first), rawJson(second));
      client.emit("join_session", json("sessionId", own));

      assertEquals(own, client.await("session_created").getString("sessionId"), "no fresh session");
      String reply = converse(client, own, "hello again");
      List<String> stored = entries(history(client, own));
      assertEquals("assistant: " + reply, stored.get(stored.size() - 1));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aPacketOverTheLimitIsRefusedWhileOtherClientsKeepWorking(Transport transport) {
    String token = server.token("oversized-" + transport);
    try (TestClient bystander = anonymous(server, transport)) {
      String bystanderSession = newSession(bystander);
      String session;
      try (TestClient sender = withToken(server, transport, token)) {
        session = newSession(sender);
        sender.emit("message", json("sessionId", session, "message", "m".repeat(PACKET_LIMIT + 1)));
        // The server refuses the packet (and may close that connection): either way no reply.
        TestClient.Event outcome = sender.next("error", "disconnect", "message_complete");
        assertTrue(!outcome.name().equals("message_complete"), outcome.toString());
      }

      converse(bystander, bystanderSession, "are you still there?");
      try (TestClient again = withToken(server, transport, token)) {
        assertEquals(List.of(), entries(history(again, session)));
      }
    }
  }
}
