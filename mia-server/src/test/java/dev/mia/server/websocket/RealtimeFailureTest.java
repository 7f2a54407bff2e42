package dev.mia.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.config.ServerConfig;
import dev.mia.server.config.ServerConfigBuilder;
import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** Voice on servers that cannot reach the Realtime API, or that let nobody in without a token. */
class RealtimeFailureTest {

  private static String ws(RunningServer server, String path) {
    return server.url().replace("http://", "ws://") + path;
  }

  /** Runs {@code test} against a server of its own, closed in the background afterwards. */
  private static void with(
      UnaryOperator<ServerConfigBuilder> config, Consumer<RunningServer> test) {
    RunningServer server = RunningServer.start(config);
    try {
      test.accept(server);
    } finally {
      server.closeInBackground();
    }
  }

  /** {@return a loopback port nothing listens on} */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertWelcomedThenEnded(RunningServer server, String detail) {
    WsClient client = WsClient.connect(ws(server, "/?token=" + server.token("someone")), Map.of());
    try (client) {
      assertEquals("welcome", client.next().getString("type"));
      JSONObject error = client.next();
      JSONObject closed = client.next();

      JSONObject payload = error.getJSONObject("payload");
      assertEquals("error", error.getString("type"));
      assertEquals("MODEL_UNAVAILABLE", payload.getString("code"));
      assertTrue(payload.getString("details").contains(detail), payload.toString());
      assertEquals("_closed", closed.getString("type"));
      assertEquals(1011, closed.getInt("code"));
    }
  }

  @Test
  void anUnreachableApiIsATypedErrorAndACleanClose() {
    with(
        c -> c.openAiBaseUrl("http://127.0.0.1:" + closedPort() + "/v1"),
        server -> assertWelcomedThenEnded(server, "could not be reached"));
  }

  @Test
  void withoutAnApiKeyVoiceSaysItIsNotAvailable() {
    with(
        c -> c.openAiApiKey(Optional.empty()),
        server -> assertWelcomedThenEnded(server, "OPENAI_API_KEY"));
  }

  @Test
  void requiredAuthLetsNoDemoUserIn() {
    with(
        c -> c.requireAuth(true),
        server -> {
          assertEquals(401, WsClient.refusedStatus(ws(server, "/")));
          assertEquals(401, WsClient.refusedStatus(ws(server, "/realtime?token=not-a-token")));
        });
  }

  @Test
  void productionLetsNoDemoUserIn() {
    with(
        c -> c.environment(ServerConfig.Environment.PRODUCTION),
        server -> assertEquals(401, WsClient.refusedStatus(ws(server, "/"))));
  }
}
