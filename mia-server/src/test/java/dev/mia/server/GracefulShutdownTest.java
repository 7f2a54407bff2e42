package dev.mia.server;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.testing.FakeOpenAi;
import dev.mia.server.testing.TestClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server process as an operator runs it: environment in, SIGTERM out. */
class GracefulShutdownTest {

  private static Process launch(Map<String, String> env, Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitHealth(String url, Process process, Path log) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("no /health within 30 s: " + Files.readString(log));
  }

  @Test
  void sigtermLetsTheReplyInFlightFinishAndExitsWithZero() throws Exception {
    Path log = Files.createTempFile("mia-server", ".log");
    try (FakeOpenAi fake = FakeOpenAi.start().tokenDelay(Duration.ofMillis(150))) {
      int port = freePort();
      String url = "http://127.0.0.1:" + port;
      Process process =
          launch(
              Map.of(
                  "PORT", Integer.toString(port),
                  "HOST", "127.0.0.1",
                  "OPENAI_API_KEY", "test-key",
                  "OPENAI_BASE_URL", fake.baseUrl(),
                  "PATH", System.getenv().getOrDefault("PATH", "/usr/bin")),
              log);
      try {
        awaitHealth(url, process, log);
        try (TestClient client =
            TestClient.connect(url, TestClient.Transport.WEBSOCKET).connected()) {
          client.emit("join_session", json("sessionId", null));
          String sessionId = client.await("session_created").getString("sessionId");
          client.emit("message", json("sessionId", sessionId, "message", "hello"));
          client.await("message_chunk");

          process.destroy(); // SIGTERM

          assertEquals(fake.replyText(), client.await("message_complete").getString("message"));
        }
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "exited");
        assertEquals(0, process.exitValue(), Files.readString(log));
      } finally {
        process.destroyForcibly();
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void badSettingStopsTheStartWithAMessageNamingTheVariable() throws Exception {
    Path log = Files.createTempFile("mia-server", ".log");
    try {
      Process process = launch(Map.of("PORT", "not-a-port"), log);

      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(2, process.exitValue());
      assertTrue(
          Files.readString(log).contains("PORT must be a whole number from 0 to 65535"),
          Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void productionWithoutJwtSecretRefusesToStart() throws Exception {
    Path log = Files.createTempFile("mia-server", ".log");
    try {
      Process process = launch(Map.of("MIA_ENV", "production", "PORT", "0"), log);

      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(2, process.exitValue());
      assertTrue(Files.readString(log).contains("JWT_SECRET is required in production"));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
