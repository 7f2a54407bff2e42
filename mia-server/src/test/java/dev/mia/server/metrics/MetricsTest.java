package dev.mia.server.metrics;

import static dev.mia.server.testing.Scrape.value;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import dev.mia.server.testing.WsClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** /metrics, scraped while a conversation runs, shows every family with sane values. */
class MetricsTest {
  private static final String METRICS_TOKEN = "metrics-token-of-some-length";

  private static void converse(TestClient client, String sessionId, String text) {
    client.emit("message", json("sessionId", sessionId, "message", text));
    client.await("message_complete");
  }

  @Test
  void aScrapeWhileMessagesFlowShowsEveryFamily() {
    try (RunningServer server = RunningServer.start();
        TestClient client = TestClient.connect(server.url(), Transport.WEBSOCKET).connected()) {
      client.emit("join_session", json("sessionId", null));
      String sessionId = client.await("session_created").getString("sessionId");
      converse(client, sessionId, "Hello Mia");
      converse(client, sessionId, "I want to kill myself");
      client.emit("message", json("sessionId", sessionId, "message", "   "));
      client.await("error");

      HttpResponse<String> response = server.send(HttpRequest.newBuilder().GET(), "/metrics");

      assertEquals(200, response.statusCode());
      assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
      String scrape = response.body();
      assertEquals(1, value(scrape, "mia_connections{transport=\"websocket\"}"));
      assertEquals(0, value(scrape, "mia_connections{transport=\"polling\"}"));
      assertEquals(1, value(scrape, "mia_sessions_started_total"));
      assertEquals(2, value(scrape, "mia_messages_total{direction=\"in\"}"));
      assertEquals(2, value(scrape, "mia_messages_total{direction=\"out\"}"));
      assertEquals(1, value(scrape, "mia_safety_alerts_total{tier=\"3\"}"));
      assertEquals(0, value(scrape, "mia_safety_alerts_total{tier=\"2\"}"));
      assertEquals(1, value(scrape, "mia_errors_total{code=\"EMPTY_MESSAGE\"}"));
      assertEquals(0, value(scrape, "mia_errors_total{code=\"MODEL_UNAVAILABLE\"}"));
      assertEquals(2, value(scrape, "mia_model_first_token_seconds_count"));
      assertEquals(2, value(scrape, "mia_model_reply_seconds_count"));
      double firstToken = value(scrape, "mia_model_first_token_seconds_sum");
      double reply = value(scrape, "mia_model_reply_seconds_sum");
      assertTrue(firstToken > 0 && firstToken <= reply && reply < 60, firstToken + " / " + reply);
      assertTrue(scrape.contains("jvm_memory_used_bytes{area=\"heap\""), "JVM memory");
      assertTrue(scrape.contains("jvm_threads_live_threads "), "JVM threads");
      assertTrue(scrape.contains("process_cpu_usage "), "process CPU");
    }
  }

  @Test
  void plainWebSocketConnectionsAreCountedPerEndpointAndUncountedWhenTheyClose() {
    try (RunningServer server = RunningServer.start()) {
      String ws = server.url().replace("http://", "ws://");
      String token = server.token("metrics-user");
      String scrape;
      try (WsClient stream = WsClient.connect(ws + "/ws?token=" + token, Map.of());
          WsClient chat = WsClient.connect(ws + "/ws/chat?token=" + token, Map.of())) {
        stream.await("connection");
        chat.next(); // the welcome
        scrape = server.send(HttpRequest.newBuilder().GET(), "/metrics").body();
        assertEquals(1, value(scrape, "mia_connections{transport=\"ws\"}"));
        assertEquals(1, value(scrape, "mia_connections{transport=\"ws_chat\"}"));
        assertEquals(0, value(scrape, "mia_connections{transport=\"voice\"}"));
      }
      // The count drops as the server sees each close; the scrape is polled for it.
      long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
      do {
        scrape = server.send(HttpRequest.newBuilder().GET(), "/metrics").body();
      } while ((value(scrape, "mia_connections{transport=\"ws\"}") > 0
              || value(scrape, "mia_connections{transport=\"ws_chat\"}") > 0)
          && System.nanoTime() < deadline);
      assertEquals(0, value(scrape, "mia_connections{transport=\"ws\"}"));
      assertEquals(0, value(scrape, "mia_connections{transport=\"ws_chat\"}"));
    }
  }

  @Test
  void aMetricsTokenKeepsOutCallersWithoutIt() {
    try (RunningServer server =
        RunningServer.start(c -> c.metricsToken(Optional.of(METRICS_TOKEN)))) {
      HttpResponse<String> without = server.send(HttpRequest.newBuilder().GET(), "/metrics");
      HttpResponse<String> with =
          server.send(
              HttpRequest.newBuilder().GET().header("Authorization", "Bearer " + METRICS_TOKEN),
              "/metrics");

      assertEquals(401, without.statusCode());
      assertTrue(without.body().contains("AUTH_REQUIRED"), without.body());
      assertEquals(200, with.statusCode());
      assertTrue(with.body().contains("mia_messages_total"));
    }
  }
}
