package dev.mia.server.store;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.testing.FakeOpenAi;
import dev.mia.server.testing.RealServers;
import dev.mia.server.testing.ServerProcess;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server as an operator runs it, killed with SIGKILL and started again on the same store:
 * nothing a user sent or was told is lost. Once on the embedded store (a SQLite file), once on
 * PostgreSQL.
 */
class RestartTest {
  private static final String SECRET = "restart-test-secret-that-is-long-enough-for-hs256";

  /** Where the conversations are kept. */
  enum Store {
    EMBEDDED,
    POSTGRESQL
  }

  private static Map<String, String> env(Store store, FakeOpenAi fake, String dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("OPENAI_API_KEY", "test-key");
    env.put("OPENAI_BASE_URL", fake.baseUrl());
    env.put("JWT_SECRET", SECRET);
    if (store == Store.EMBEDDED) {
      env.put("MIA_DATA_DIR", dataDir);
    } else {
      env.put("MIA_DATABASE_URL", RealServers.postgres());
    }
    return env;
  }

  private static String token(String url, String userId) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/api/auth/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new JSONObject(response.body()).getString("token");
  }

  private static TestClient connect(String url, String token) {
    return TestClient.connect(url, Transport.WEBSOCKET, Optional.of(token), Map.of()).connected();
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  void aConversationSurvivesAKillAndARestart(Store store) throws Exception {
    String dataDir = ServerProcess.newDataDir().toString();
    String userId = "restart-" + store + "-" + System.nanoTime();
    String sessionId;
    String reply;
    try (FakeOpenAi fake = FakeOpenAi.start()) {
      reply = fake.replyText();
      try (ServerProcess first = ServerProcess.start(env(store, fake, dataDir));
          TestClient client = connect(first.url(), token(first.url(), userId))) {
        sessionId = client.join(null).getString("sessionId");
        for (String text : List.of("first message", "second message")) {
          client.emit("message", json("sessionId", sessionId, "message", text));
          client.await("message_complete");
        }
        first.kill();
      }

      try (ServerProcess second = ServerProcess.start(env(store, fake, dataDir));
          TestClient client = connect(second.url(), token(second.url(), userId))) {
        JSONObject resumed = client.join(sessionId);

        assertEquals(sessionId, resumed.getString("sessionId"));
        assertTrue(resumed.getBoolean("resumed"));
        assertEquals(
            List.of(
                "user:first message",
                "assistant:" + reply,
                "user:second message",
                "assistant:" + reply),
            TestClient.historyOf(resumed));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  void aReplyCutOffByAKillLeavesTheMessageMarkedInterruptedAndTheSessionUsable(Store store)
      throws Exception {
    String dataDir = ServerProcess.newDataDir().toString();
    String userId = "cut-off-" + store + "-" + System.nanoTime();
    String sessionId;
    try (FakeOpenAi fake = FakeOpenAi.start().tokenDelay(Duration.ofMillis(300))) {
      try (ServerProcess first = ServerProcess.start(env(store, fake, dataDir));
          TestClient client = connect(first.url(), token(first.url(), userId))) {
        sessionId = client.join(null).getString("sessionId");
        client.emit("message", json("sessionId", sessionId, "message", "are you there?"));
        client.await("message_chunk");

        first.kill();
      }

      try (ServerProcess second = ServerProcess.start(env(store, fake, dataDir));
          TestClient client = connect(second.url(), token(second.url(), userId))) {
        JSONObject resumed = client.join(sessionId);
        List<String> history = TestClient.historyOf(resumed);

        assertEquals(
            List.of("user:are you there?:interrupted:REPLY_INTERRUPTED"), history, "kept, marked");
        client.emit("message", json("sessionId", sessionId, "message", "are you there?"));
        assertEquals(fake.replyText(), client.await("message_complete").getString("message"));
        List<String> after = TestClient.historyOf(client.join(sessionId));
        assertEquals(3, after.size(), after.toString());
        assertFalse(after.get(2).contains("interrupted"), after.toString());
      }
    }
  }
}
