package dev.mia.server.hardening;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONArray;
import org.json.JSONObject;

/** Conversation steps the hardening and cluster tests share, over a {@link TestClient}. */
public final class Chat {
  private Chat() {}

  /** {@return a connected anonymous client} */
  public static TestClient anonymous(RunningServer server, Transport transport) {
    return TestClient.connect(server.url(), transport).connected();
  }

  /** {@return a connected client presenting {@code token} in the CONNECT packet} */
  public static TestClient withToken(RunningServer server, Transport transport, String token) {
    return TestClient.connect(server.url(), transport, Optional.of(token), Map.of()).connected();
  }

  /** Sends {@code join_session}; {@return the {@code session_created} payload} */
  public static JSONObject join(TestClient client, Object sessionId) {
    client.emit("join_session", json("sessionId", sessionId));
    return client.await("session_created");
  }

  /** {@return the id of a new session} */
  public static String newSession(TestClient client) {
    return join(client, null).getString("sessionId");
  }

  /** Sends a message; {@return every event up to its {@code message_complete} or {@code error}} */
  public static List<Event> send(TestClient client, String sessionId, String text) {
    client.emit("message", json("sessionId", sessionId, "message", text));
    return client.until("message_complete", "error");
  }

  /** Sends a message and checks that the reply completes; {@return the complete reply} */
  public static String converse(TestClient client, String sessionId, String text) {
    List<Event> events = send(client, sessionId, text);
    Event last = events.get(events.size() - 1);
    assertEquals("message_complete", last.name(), "reply to a good message: " + events);
    assertEquals(last.json().getString("message"), chunks(events, sessionId));
    return last.json().getString("message");
  }

  /** {@return the stored history of the session, as a re-join shows it} */
  public static JSONArray history(TestClient client, String sessionId) {
    JSONObject session = join(client, sessionId);
    assertEquals(sessionId, session.getString("sessionId"), "re-joined the same session");
    return session.getJSONArray("conversationHistory");
  }

  /** {@return the {@code message_chunk}s of the session among {@code events}, joined} */
  public static String chunks(List<Event> events, String sessionId) {
    StringBuilder text = new StringBuilder();
    for (Event e : events) {
      if (e.name().equals("message_chunk") && e.json().getString("sessionId").equals(sessionId)) {
        text.append(e.json().getString("chunk"));
      }
    }
    return text.toString();
  }

  /** {@return the names of {@code events}, in order} */
  public static List<String> names(List<Event> events) {
    return events.stream().map(Event::name).toList();
  }

  /** {@return {@code role: content} of every history entry, in order} */
  public static List<String> entries(JSONArray history) {
    return history.toList().stream()
        .map(o -> (Map<?, ?>) o)
        .map(m -> m.get("role") + ": " + m.get("content"))
        .toList();
  }
}
