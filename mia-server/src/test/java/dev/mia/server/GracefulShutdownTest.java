package dev.mia.server;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.testing.FakeOpenAi;
import dev.mia.server.testing.ServerProcess;
import dev.mia.server.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server process as an operator runs it: environment in, SIGTERM out. */
class GracefulShutdownTest {

  @Test
  void sigtermLetsTheReplyInFlightFinishAndExitsWithZero() {
    try (FakeOpenAi fake = FakeOpenAi.start().tokenDelay(Duration.ofMillis(150));
        ServerProcess server =
            ServerProcess.start(
                Map.of("OPENAI_API_KEY", "test-key", "OPENAI_BASE_URL", fake.baseUrl()))) {
      try (TestClient client =
          TestClient.connect(server.url(), TestClient.Transport.WEBSOCKET).connected()) {
        client.emit("join_session", json("sessionId", null));
        String sessionId = client.await("session_created").getString("sessionId");
        client.emit("message", json("sessionId", sessionId, "message", "hello"));
        client.await("message_chunk");

        server.terminate(); // SIGTERM

        assertEquals(fake.replyText(), client.await("message_complete").getString("message"));
      }
      String output = server.stop();
      assertEquals(0, server.exitValue(), output);
    }
  }

  @Test
  void badSettingStopsTheStartWithAMessageNamingTheVariable() throws Exception {
    Path log = Files.createTempFile("mia-server", ".log");
    try {
      Process process = ServerProcess.launch(Map.of("PORT", "not-a-port"), log);

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
      Process process = ServerProcess.launch(Map.of("MIA_ENV", "production", "PORT", "0"), log);

      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(2, process.exitValue());
      assertTrue(Files.readString(log).contains("JWT_SECRET is required in production"));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
