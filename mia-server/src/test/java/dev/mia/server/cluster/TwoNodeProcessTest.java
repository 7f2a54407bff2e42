package dev.mia.server.cluster;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.core.testing.FakeOpenAi;
import dev.mia.server.store.TestDatabases.PostgresSchema;
import dev.mia.server.testing.RealServers;
import dev.mia.server.testing.ServerProcess;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import dev.mia.server.testing.TestRedis;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two servers as an operator runs them, each {@code Main} in its own JVM configured only by the
 * environment, sharing one PostgreSQL database (a schema of this test's own) and one Redis (under a
 * key prefix of this run's own): a user's tabs on the two see one conversation, and a server killed
 * with SIGKILL in the middle of a reply loses nothing the user sent. Server B lives for the whole
 * class; each test starts an A of its own, since one of them kills it.
 */
class TwoNodeProcessTest {
  private static final String SECRET = "two-node-test-secret-that-is-long-enough-for-hs256";
  private static final Set<String> REPLY_EVENTS =
      Set.of("safety_alert", "message_chunk", "message_complete", "error");
  // Short, so that the killed server's session lock lapses within seconds; long enough for a
  // loaded CI machine to renew it in time.
  private static final Duration LEASE = Duration.ofSeconds(6);

  private static PostgresSchema schema;
  private static FakeOpenAi fake;
  private static Map<String, String> env;
  private static ServerProcess b;

  @BeforeAll
  static void startServerB() {
    String redis = RealServers.redis();
    schema = PostgresSchema.create();
    fake = FakeOpenAi.start();
    Map<String, String> shared = new HashMap<>();
    shared.put("OPENAI_API_KEY", "test-key");
    shared.put("OPENAI_BASE_URL", fake.baseUrl());
    shared.put("MIA_OPENAI_MAX_RETRIES", "0");
    shared.put("JWT_SECRET", SECRET);
    shared.put("MIA_DATABASE_URL", schema.url());
    shared.put("MIA_REDIS_URL", redis);
    shared.put("MIA_REDIS_KEY_PREFIX", TestRedis.newKeyPrefix());
    shared.put("MIA_CLUSTER_LEASE", LEASE.toMillis() + "ms");
    env = Map.copyOf(shared);
    b = ServerProcess.start(env);
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (fake != null) {
      fake.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void aMessageSentOnEitherServerReachesTheTabsOnBothAsTheSameEventsInTheSameOrder()
      throws Exception {
    fake.tokenDelay(Duration.ZERO);
    try (ServerProcess a = ServerProcess.start(env)) {
      String token = token(a, "both-" + System.nanoTime());
      try (TestClient onA = connect(a, token);
          TestClient onB = connect(b, token)) {
        String sessionId = onA.join(null).getString("sessionId");
        assertEquals(sessionId, onB.join(sessionId).getString("sessionId"), "B finds A's session");

        sendAndCompare(onA, onB, sessionId, "sent on A");
        sendAndCompare(onB, onA, sessionId, "and now on B");

        assertEquals(
            List.of(
                "user:sent on A",
                "assistant:" + fake.replyText(),
                "user:and now on B",
                "assistant:" + fake.replyText()),
            TestClient.historyOf(onB.join(sessionId)),
            "one history, stored once");
      }
    }
  }

  @Test
  void aServerKilledMidReplyLosesNothingTheUserSent() throws Exception {
    // Eight tokens, 300 ms apart: the reply is still streaming when its server is killed.
    fake.tokenDelay(Duration.ofMillis(300));
    try (ServerProcess a = ServerProcess.start(env)) {
      String token = token(a, "killed-" + System.nanoTime());
      String sessionId;
      try (TestClient onB = connect(b, token)) {
        try (TestClient onA = connect(a, token)) {
          sessionId = onA.join(null).getString("sessionId");
          onB.join(sessionId);

          onA.emit("message", json("sessionId", sessionId, "message", "are you there?"));
          onA.await("message_chunk");
          onB.await("message_chunk"); // B relays A's reply: the kill cuts a reply both tabs see
          a.kill();
          onA.next(Socket.EVENT_DISCONNECT);
        }
        fake.tokenDelay(Duration.ZERO);

        // The tab whose server died connects to B, as a load balancer would send it.
        try (TestClient moved = connect(b, token)) {
          List<String> afterKill = TestClient.historyOf(moved.join(sessionId));
          assertEquals(1, afterKill.size(), afterKill.toString());
          assertTrue(
              afterKill.get(0).equals("user:are you there?:pending:")
                  || afterKill.get(0).equals("user:are you there?:interrupted:REPLY_INTERRUPTED"),
              "kept, owed or marked interrupted, never half-answered: " + afterKill);

          // Answered once A's session lock has lapsed, as the message it was sent as.
          moved.emit("message", json("sessionId", sessionId, "message", "still there?"));
          List<Event> reply = moved.until("message_complete", "error");
          assertEquals("message_complete", last(reply).name(), reply.toString());
          assertEquals(fake.replyText(), last(reply).json().getString("message"));
          assertEquals(fake.replyText(), onB.await("message_complete").getString("message"));

          assertEquals(
              List.of(
                  "user:are you there?:interrupted:REPLY_INTERRUPTED",
                  "user:still there?",
                  "assistant:" + fake.replyText()),
              TestClient.historyOf(moved.join(sessionId)),
              "the cut-off message is kept and marked, so the client may send it again");
          String lastRequest =
              lastUserContent(fake.chatRequests().get(fake.chatRequests().size() - 1));
          assertEquals("still there?", lastRequest, "B's model call answered the new message");
        }
      }
    }
  }

  /**
   * Sends {@code text} from {@code sender}, and checks that {@code other}, on the other server,
   * received the reply as the same events in the same order, and the message itself as {@code
   * user_message}.
   */
  private static void sendAndCompare(
      TestClient sender, TestClient other, String sessionId, String text) {
    sender.emit("message", json("sessionId", sessionId, "message", text));
    List<Event> onSender = sender.until("message_complete", "error");
    List<Event> onOther = new ArrayList<>(other.until("message_complete", "error"));
    // The echo goes out once the message is accepted, while its reply may already stream.
    if (onOther.stream().noneMatch(e -> e.name().equals("user_message"))) {
      onOther.addAll(other.until("user_message"));
    }

    assertEquals("message_complete", last(onSender).name(), text + ": " + onSender);
    assertEquals(fake.replyText(), last(onSender).json().getString("message"));
    assertEquals(fake.replyText(), chunks(onSender), "the chunks make the message");
    assertEquals(replyEvents(onSender), replyEvents(onOther), text);
    List<String> echoes =
        onOther.stream()
            .filter(e -> e.name().equals("user_message"))
            .map(e -> e.json().getString("sessionId") + ":" + e.json().getString("message"))
            .toList();
    assertEquals(List.of(sessionId + ":" + text), echoes);
    assertFalse(
        onSender.stream().anyMatch(e -> e.name().equals("user_message")),
        "the sending tab is not sent its own message");
  }

  private static String token(ServerProcess server, String userId) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.url() + "/api/auth/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new JSONObject(response.body()).getString("token");
  }

  private static TestClient connect(ServerProcess server, String token) {
    return TestClient.connect(server.url(), Transport.WEBSOCKET, Optional.of(token), Map.of())
        .connected();
  }

  private static Event last(List<Event> events) {
    return events.get(events.size() - 1);
  }

  private static String chunks(List<Event> events) {
    StringBuilder text = new StringBuilder();
    for (Event e : events) {
      if (e.name().equals("message_chunk")) {
        text.append(e.json().getString("chunk"));
      }
    }
    return text.toString();
  }

  /** {@return the reply's events, each as its name and payload} */
  private static List<List<Object>> replyEvents(List<Event> events) {
    return events.stream()
        .filter(e -> REPLY_EVENTS.contains(e.name()))
        .map(e -> List.<Object>of(e.name(), e.json().toMap()))
        .toList();
  }

  private static String lastUserContent(JsonNode request) {
    String content = "";
    for (JsonNode message : request.path("messages")) {
      if (message.path("role").asText().equals("user")) {
        content = message.path("content").asText();
      }
    }
    return content;
  }
}
