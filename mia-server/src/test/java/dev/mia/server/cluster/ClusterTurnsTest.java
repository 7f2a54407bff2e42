package dev.mia.server.cluster;

import static dev.mia.server.hardening.Chat.entries;
import static dev.mia.server.hardening.Chat.history;
import static dev.mia.server.hardening.Chat.join;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.withToken;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One session's messages are answered one at a time across the servers of a cluster, in the order
 * they were accepted. Replies stream slowly, so that turns on the two servers would overlap without
 * the session lock, and for longer than the lock's lease, which holds only because it is renewed.
 */
class ClusterTurnsTest {
  private static final int MESSAGES = 4;
  private static final Duration TOKEN_DELAY = Duration.ofMillis(100);
  // Shorter than one reply (eight tokens): a lock that were not renewed would lapse mid-reply.
  private static final Duration LEASE = Duration.ofMillis(600);

  private static TwoServers servers;

  @BeforeAll
  static void start() {
    servers = TwoServers.start(c -> c.clusterLease(LEASE));
    servers.a().fake().tokenDelay(TOKEN_DELAY);
    servers.b().fake().tokenDelay(TOKEN_DELAY);
  }

  @AfterAll
  static void stop() {
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  void messagesSentAlternatelyOnTwoServersAreAnsweredOneAtATimeInTheOrderAccepted()
      throws Exception {
    String token = servers.a().token("turns");
    try (TestClient onA = withToken(servers.a(), Transport.WEBSOCKET, token);
        TestClient onB = withToken(servers.b(), Transport.WEBSOCKET, token)) {
      String sessionId = newSession(onA);
      join(onB, sessionId);

      List<String> expected = new ArrayList<>();
      for (int i = 0; i < MESSAGES; i++) {
        TestClient sender = i % 2 == 0 ? onA : onB;
        String text = "message " + i + " on " + (i % 2 == 0 ? "A" : "B");
        // Each accepted before the next is sent: the order of acceptance is the order sent.
        JSONObject ack =
            (JSONObject)
                sender
                    .emitWithAck("message", json("sessionId", sessionId, "message", text))
                    .get(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(ack.getBoolean("ok"), "accepted: " + ack);
        expected.add("user: " + text);
        expected.add("assistant: " + servers.a().fake().replyText());
      }
      for (int i = 0; i < MESSAGES; i++) {
        onA.next("message_complete");
      }

      assertEquals(expected, entries(history(onA, sessionId)), "message, reply, message, reply");
      // Each turn saw every earlier reply: no two turns ran at once, on either server.
      List<Integer> repliesSeen = new ArrayList<>();
      for (JsonNode request : requests()) {
        int replies = 0;
        for (JsonNode message : request.path("messages")) {
          replies += message.path("role").asText().equals("assistant") ? 1 : 0;
        }
        repliesSeen.add(replies);
      }
      repliesSeen.sort(null);
      assertEquals(List.of(0, 1, 2, 3), repliesSeen);
    }
  }

  private static List<JsonNode> requests() {
    List<JsonNode> all = new ArrayList<>(servers.a().fake().chatRequests());
    all.addAll(servers.b().fake().chatRequests());
    return all;
  }
}
