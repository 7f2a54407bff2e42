package dev.mia.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RawPolling;
import dev.mia.server.testing.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Raw Engine.IO: a client upgrading from long-polling to WebSocket, in the order a browser
 * sometimes sees things on two connections.
 */
class PollingUpgradeTest {
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
  void aPollStartedAfterTheProbeIsEndedSoTheUpgradeCanFinish() throws Exception {
    String sid = polling.open();
    polling.post(sid, "40");
    assertTrue(polling.get(sid).startsWith("40"), "connected over polling");
    CompletableFuture<HttpResponse<String>> firstPoll = polling.poll(sid);
    BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket webSocket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(
                    server.url().replace("http:", "ws:")
                        + "/socket.io/?EIO=4&transport=websocket&sid="
                        + sid),
                new Collecting(frames))
            .join();
    webSocket.sendText("2probe", true).join();
    assertEquals("3probe", frames.poll(20, TimeUnit.SECONDS));
    assertEquals("6", firstPoll.get(20, TimeUnit.SECONDS).body(), "the probe ends the open poll");

    // The noop overtook the probe's answer: the client polls once more before it pauses polling.
    HttpResponse<String> secondPoll = polling.poll(sid).get(30, TimeUnit.SECONDS);

    assertEquals("6", secondPoll.body(), "the poll is ended for the upgrade, not dropped");
    webSocket.sendText("5", true).join();
    webSocket.sendText("42[\"join_session\",null]", true).join();
    String created = nextEvent(frames);
    assertNotNull(created, "an answer over the upgraded WebSocket");
    assertTrue(created.startsWith("42[\"session_created\""), created);
    webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  /** The next event packet, skipping Engine.IO noops and pings. */
  private static String nextEvent(BlockingQueue<String> frames) throws InterruptedException {
    while (true) {
      String frame = frames.poll(20, TimeUnit.SECONDS);
      if (frame == null || frame.startsWith("42")) {
        return frame;
      }
    }
  }

  /** Whole text messages in arrival order (the listener is called one message part at a time). */
  private static final class Collecting implements WebSocket.Listener {
    private final BlockingQueue<String> frames;
    private final StringBuilder parts = new StringBuilder();

    Collecting(BlockingQueue<String> frames) {
      this.frames = frames;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      parts.append(data);
      if (last) {
        frames.add(parts.toString());
        parts.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }
}
