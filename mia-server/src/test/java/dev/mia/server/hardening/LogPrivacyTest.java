package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.join;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.testing.TestClient.json;
import static dev.mia.server.testing.TestClient.rawJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.testing.FakeOpenAi;
import dev.mia.server.testing.ServerProcess;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import dev.mia.server.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** Message text never reaches the server's output at the default log level. */
class LogPrivacyTest {

  @Test
  void textThatClientsSendNeverAppearsInTheOutputAtInfo() throws Exception {
    String marker = "MARKER" + UUID.randomUUID().toString().replace("-", "");
    try (FakeOpenAi fake = FakeOpenAi.start();
        ServerProcess server =
            ServerProcess.start(
                Map.of(
                    "LOG_LEVEL", "info",
                    "OPENAI_API_KEY", "test-key",
                    "OPENAI_BASE_URL", fake.baseUrl(),
                    "MIA_OPENAI_MAX_RETRIES", "0",
                    "MIA_MODEL_IDLE_TIMEOUT", "500ms",
                    "MIA_MAX_MESSAGE_CHARS", "200"))) {
      for (Transport transport : Transport.values()) {
        try (TestClient client = TestClient.connect(server.url(), transport).connected()) {
          String session = newSession(client);
          List<String> replies =
              List.of(
                  last(send(client, session, "hello " + marker)),
                  last(send(client, session, "I want to die " + marker)),
                  last(send(client, session, "I want to kill myself " + marker + " [fail]")),
                  last(send(client, session, marker + " [hang]")),
                  last(send(client, session, marker + " [drop]")),
                  last(send(client, session, marker + " " + "x".repeat(300))),
                  last(send(client, session, marker + "\u0007")),
                  last(send(client, session, rawJson("\"" + marker + "\\ud800\""))),
                  last(sendRaw(client, json("sessionId", session, "message", json("t", marker)))),
                  last(sendRaw(client, json("sessionId", "../" + marker, "message", marker))),
                  last(sendRaw(client, json("sessionId", "session_" + marker, "message", "hi"))),
                  last(sendRaw(client, new JSONArray().put(marker))),
                  last(sendRaw(client, marker)));
          assertEquals(
              List.of(
                  "message_complete",
                  "message_complete",
                  "error",
                  "error",
                  "error",
                  "error",
                  "error",
                  "error",
                  "error",
                  "error",
                  "error",
                  "error",
                  "error"),
              replies);
          ackOf(client, "feedback", json("sessionId", session, "rating", 5, "text", marker));
          ackOf(client, "feedback", json("sessionId", session, "rating", 9, "text", marker));
          ackOf(client, "interaction", json("sessionId", session, "id", marker));
          ackOf(client, "interaction", json("sessionId", marker, "id", "ex_breathing_complete"));
          client.emit("join_session", marker);
          client.await("error");
          client.emit(marker, json("message", marker));
          join(client, null);
        }
        // Packets the server cannot decode end their connection: one connection each.
        undecodable(server, transport, json("message", rawJson("\"" + marker + "\" oops")));
        undecodable(
            server,
            transport,
            json("message", rawJson("[".repeat(2000) + "\"" + marker + "\"" + "]".repeat(2000))));
        undecodable(server, transport, json("message", marker.repeat(1_000_000 / marker.length())));
      }

      chatOverPlainWebSocket(server, marker);

      String output = server.stop();

      assertTrue(output.contains("client connected"), "the output was captured at INFO: " + output);
      assertFalse(output.contains(marker), output);
    }
  }

  /** /ws/chat: messages, interactions and feedback carrying the marker, good and bad. */
  private static void chatOverPlainWebSocket(ServerProcess server, String marker) {
    String token =
        new JSONObject(
                HttpClient.newHttpClient()
                    .sendAsync(
                        HttpRequest.newBuilder(URI.create(server.url() + "/api/auth/token"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"privacy\"}"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .join()
                    .body())
            .getString("token");
    String url = server.url().replace("http://", "ws://") + "/ws/chat?typing=1&token=" + token;
    try (WsClient chat = WsClient.connect(url, Map.of())) {
      chat.next();
      List<JSONObject> sent =
          List.of(
              chatMessage("user_message", marker, json("text", "hello " + marker)),
              chatMessage("user_message", "chat", json("text", "I want to die " + marker)),
              chatMessage("user_message", "chat", json("text", marker + " [fail]")),
              chatMessage("user_message", "chat", json("text", marker + "\u0007")),
              chatMessage("interaction", "chat", json("action", "button_click", "id", marker)),
              chatMessage("interaction", marker, json("id", "ex_breathing_complete")),
              chatMessage("feedback", "chat", json("rating", 4, "text", marker)),
              chatMessage("feedback", "chat", json("rating", 7, "text", marker)),
              chatMessage(marker, "chat", json("text", marker)));
      for (JSONObject message : sent) {
        chat.send(message);
        JSONObject answer;
        do {
          answer = chat.next();
        } while ("typing".equals(answer.getJSONObject("content").optString("event")));
        assertTrue(answer.has("role"), answer.toString());
      }
      chat.send("{\"type\": \"" + marker + "\" oops");
      chat.next();
    }
  }

  private static JSONObject chatMessage(String type, String sessionId, JSONObject content) {
    return new JSONObject().put("type", type).put("session_id", sessionId).put("content", content);
  }

  private static void ackOf(TestClient client, String event, JSONObject payload) {
    try {
      client.emitWithAck(event, payload).get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no acknowledgement of " + event, e);
    }
  }

  private static String last(List<TestClient.Event> events) {
    return events.get(events.size() - 1).name();
  }

  private static List<TestClient.Event> sendRaw(TestClient client, Object payload) {
    client.emit("message", payload);
    return client.until("message_complete", "error");
  }

  private static List<TestClient.Event> send(TestClient client, String session, Object text) {
    return sendRaw(client, json("sessionId", session, "message", text));
  }

  private static void undecodable(ServerProcess server, Transport transport, Object payload) {
    try (TestClient client = TestClient.connect(server.url(), transport).connected()) {
      String session = newSession(client);
      ((org.json.JSONObject) payload).put("sessionId", session);
      client.emit("message", payload);
      // Wait until the server has read the packet: the next request on this connection is answered
      // after it, or the connection is gone.
      client.emit("join_session", json("sessionId", session));
      client.next("session_created", "error", "disconnect");
    }
  }
}
