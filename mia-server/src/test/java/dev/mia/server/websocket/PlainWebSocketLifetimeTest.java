package dev.mia.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.corundumstudio.socketio.Configuration;
import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.WsClient;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A plain WebSocket lives as long as its client keeps it: past netty-socketio's first-data timeout,
 * which once closed every /ws and /ws/chat connection 5 s after it opened (see {@code
 * compat.FirstDataTimeout}).
 */
class PlainWebSocketLifetimeTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  @Test
  void aConnectionThatSendsNothingIsStillClosedByIt() throws IOException {
    URI url = URI.create(server.url());
    try (Socket silent = new Socket(url.getHost(), url.getPort())) {
      silent.setSoTimeout((int) TestClient.WAIT.toMillis());
      long opened = System.nanoTime();

      int read = silent.getInputStream().read();

      assertEquals(-1, read, "closed by the server");
      assertTrue(
          Duration.ofNanos(System.nanoTime() - opened).toMillis()
              >= new Configuration().getFirstDataTimeout() - 100);
    }
  }

  @Test
  void plainWebSocketsOutliveTheLibrarysFirstDataTimeout() {
    String ws = server.url().replace("http://", "ws://");
    String token = server.token("long-lived");
    try (WsClient chat = WsClient.connect(ws + "/ws/chat?token=" + token, Map.of());
        WsClient stream = WsClient.connect(ws + "/ws?token=" + token, Map.of())) {
      assertEquals("system", chat.next().getString("role"));
      assertEquals("connection", stream.next().getString("type"));

      // The behaviour under test is a duration: nothing, not even a close, for longer than it.
      Duration firstDataTimeout = Duration.ofMillis(new Configuration().getFirstDataTimeout());
      chat.assertQuietFor(firstDataTimeout.plusSeconds(1));
      stream.assertQuietFor(Duration.ZERO);

      chat.send(
          new JSONObject()
              .put("type", "user_message")
              .put("session_id", "later-chat")
              .put("content", new JSONObject().put("text", "still there?")));
      stream.send(
          new JSONObject()
              .put("type", "session_message")
              .put("session_id", "later-ws")
              .put("message_text", "and here?"));

      assertEquals("assistant", chat.next().getString("role"));
      stream.await("assistant_message_complete");
    }
  }
}
