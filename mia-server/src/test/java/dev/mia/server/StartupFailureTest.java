package dev.mia.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.ServerProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What an operator sees when the server cannot start. */
class StartupFailureTest {

  @Test
  void aTakenPortExitsWithStatusTwoAndOneLineSayingWhatToDo() throws Exception {
    Path log = Files.createTempFile("mia-server", ".log");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();

      Process process =
          ServerProcess.launch(Map.of("PORT", Integer.toString(port), "HOST", "127.0.0.1"), log);

      assertTrue(process.waitFor(10, TimeUnit.SECONDS), "still running after 10 s");
      String output = Files.readString(log);
      assertEquals(2, process.exitValue(), output);
      assertTrue(output.contains("mia-server: cannot listen on 127.0.0.1:" + port + " ("), output);
      assertTrue(output.contains("set PORT to a free one"), output);
      assertFalse(output.contains("ERROR"), output);
      assertFalse(output.contains("\tat "), "no stack trace: " + output);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
