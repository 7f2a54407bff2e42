package dev.mia.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw Engine.IO polling: what a client batches into one POST is handled packet by packet. */
class PollingBatchTest {
  private static final String PATH = "/socket.io/?EIO=4&transport=polling";
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> get(String sid) {
    return server.send(HttpRequest.newBuilder().GET(), PATH + (sid == null ? "" : "&sid=" + sid));
  }

  private static HttpResponse<String> post(String sid, String body) {
    return server.send(
        HttpRequest.newBuilder()
            .header("Content-Type", "text/plain;charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        PATH + "&sid=" + sid);
  }

  @Test
  void aPacketBatchedBehindAnUndecodableOneIsStillHandled() {
    String open = get(null).body();
    String sid = new JSONObject(open.substring(1)).getString("sid");
    assertEquals("ok", post(sid, "40").body());
    assertTrue(get(sid).body().startsWith("40"), "connected");
    String deep = "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);

    HttpResponse<String> answer =
        post(
            sid,
            "42[\"message\",{\"sessionId\":\"session_x\",\"message\":"
                + deep
                + "}]\u001e42[\"join_session\",null]");

    assertEquals("ok", answer.body());
    String events = get(sid).body();
    assertTrue(events.contains("session_created"), events);
  }
}
