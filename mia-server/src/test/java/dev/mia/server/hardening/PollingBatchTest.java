package dev.mia.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RawPolling;
import dev.mia.server.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw Engine.IO polling: what a client batches into one POST is handled packet by packet. */
class PollingBatchTest {
  private static RunningServer server;
  private static RawPolling polling;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
    polling = new RawPolling(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aPacketBatchedBehindAnUndecodableOneIsStillHandled() {
    String sid = polling.open();
    assertEquals("ok", polling.post(sid, "40"));
    assertTrue(polling.get(sid).startsWith("40"), "connected");
    String deep = "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);

    String answer =
        polling.post(
            sid,
            "42[\"message\",{\"sessionId\":\"session_x\",\"message\":"
                + deep
                + "}]\u001e42[\"join_session\",null]");

    assertEquals("ok", answer);
    String events = polling.get(sid);
    assertTrue(events.contains("session_created"), events);
  }
}
