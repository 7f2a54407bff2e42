package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.anonymous;
import static dev.mia.server.hardening.Chat.converse;
import static dev.mia.server.hardening.Chat.entries;
import static dev.mia.server.hardening.Chat.history;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A user sending too fast is told when to retry; the retry then works, and nobody else waits. */
class RateLimitTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    // Two back to back, then one a second: a refill slow enough that three messages sent at once
    // cannot straddle it, quick enough to wait for.
    server = RunningServer.start(c -> c.rateLimitBurst(2).rateLimitPerMinute(60));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  /** Sends three messages at once; {@return the rate-limit error, after both replies completed} */
  private static JSONObject burstOfThree(TestClient client, String session) throws Exception {
    List<CompletableFuture<Object>> acks = new ArrayList<>();
    for (String text : List.of("one", "two", "three")) {
      acks.add(client.emitWithAck("message", json("sessionId", session, "message", text)));
    }
    JSONObject third = (JSONObject) acks.get(2).get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertFalse(third.getBoolean("ok"));
    assertEquals("RATE_LIMITED", third.getString("code"));
    JSONObject error = null;
    int completed = 0;
    while (completed < 2) {
      Event e = client.next("error", "message_complete");
      if (e.name().equals("error")) {
        error = e.json();
      } else {
        completed++;
      }
    }
    if (error == null) {
      error = client.await("error");
    }
    return error;
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theMessageAfterTheBurstIsRefusedWithATimeToRetryAndNotStored(Transport transport)
      throws Exception {
    try (TestClient client = anonymous(server, transport)) {
      String session = newSession(client);

      JSONObject error = burstOfThree(client, session);

      assertEquals("RATE_LIMITED", error.getString("code"));
      assertTrue(error.getLong("retryAfterMs") > 0, error.toString());
      assertTrue(error.getLong("retryAfterMs") <= 1000, error.toString());
      List<String> stored = entries(history(client, session));
      assertEquals(4, stored.size(), stored.toString());
      assertTrue(stored.contains("user: one") && stored.contains("user: two"));
      assertFalse(stored.contains("user: three"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aMessageSentAfterTheStatedRetryTimeIsAccepted(Transport transport) throws Exception {
    try (TestClient client = anonymous(server, transport)) {
      String session = newSession(client);
      long retryAfterMs = burstOfThree(client, session).getLong("retryAfterMs");

      // Waiting for the time the server stated, not for a guess.
      Thread.sleep(retryAfterMs);

      converse(client, session, "three, again");
      assertTrue(entries(history(client, session)).contains("user: three, again"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anotherUserIsServedWhileOneIsLimited(Transport transport) throws Exception {
    try (TestClient limited = anonymous(server, transport);
        TestClient other = anonymous(server, transport)) {
      String limitedSession = newSession(limited);
      String otherSession = newSession(other);
      burstOfThree(limited, limitedSession);

      converse(other, otherSession, "hello");
      converse(other, otherSession, "hello again");
    }
  }
}
