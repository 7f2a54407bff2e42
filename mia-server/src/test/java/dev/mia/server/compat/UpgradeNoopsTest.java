package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link UpgradeNoops}: after a WebSocket probe from a session still on long-polling, a pending
 * poll of the session gets a noop every {@link UpgradeNoops#INTERVAL}, until the upgrade, the
 * WebSocket's end or the upgrade timeout. The session is netty-socketio's own, and the noop is
 * written by the library's encoder, as in the server.
 */
class UpgradeNoopsTest {
  /** What {@link EmbeddedChannel#runScheduledPendingTasks()} returns when nothing is scheduled. */
  private static final long NOTHING_SCHEDULED = -1;

  private final LibrarySession session = new LibrarySession();
  private final PendingPolls pendingPolls = new PendingPolls();
  private EmbeddedChannel webSocket;

  @BeforeEach
  void openWebSocket() {
    // netty-socketio's default upgrade timeout
    webSocket = webSocket(new UpgradeNoops(pendingPolls, Duration.ofSeconds(10)));
  }

  @AfterEach
  void stopTheLibrarysTimer() {
    session.close();
  }

  @Test
  void aPendingPollGetsANoopEveryIntervalAfterAProbe() {
    EmbeddedChannel firstPoll = pendingPoll();
    probe();
    assertNull(firstPoll.readOutbound(), "nothing before the first interval");

    tick();

    assertNoop(firstPoll);
    EmbeddedChannel secondPoll = pendingPoll();
    tick();
    assertNoop(secondPoll);
    assertFalse(webSocket.finish());
  }

  @Test
  void noNoopIsQueuedWhileNoPollIsPending() {
    probe();

    tick();

    assertEquals(List.of(), session.queuedForPolling());
    EmbeddedChannel poll = pendingPoll();
    tick();
    assertNoop(poll);
    assertFalse(webSocket.finish());
  }

  @Test
  void aPollAlreadyBeingAnsweredGetsNoNoop() {
    EmbeddedChannel poll = pendingPoll();
    poll.attr(EncoderHandler.WRITE_ONCE).set(true);
    probe();

    tick();

    assertNull(poll.readOutbound());
    assertEquals(List.of(), session.queuedForPolling(), "no noop queued for later either");
    assertFalse(poll.finish());
    assertFalse(webSocket.finish());
  }

  @Test
  void theNoopsStopOnceTheClientIsUpgraded() {
    EmbeddedChannel poll = pendingPoll();
    probe();

    session.client.upgradeCurrentTransport(Transport.WEBSOCKET);
    long next = tick();

    assertNull(poll.readOutbound());
    assertEquals(NOTHING_SCHEDULED, next);
    assertFalse(poll.finish());
    assertFalse(webSocket.finish());
  }

  @Test
  void theNoopsStopWhenTheWebSocketCloses() {
    EmbeddedChannel poll = pendingPoll();
    probe();

    // Closed as a peer's going away closes it: EmbeddedChannel.close() would also cancel every
    // task scheduled on its event loop, which a real event loop does not.
    webSocket.pipeline().close();
    long next = tick();

    assertNull(poll.readOutbound());
    assertEquals(NOTHING_SCHEDULED, next);
    assertFalse(poll.finish());
    assertFalse(webSocket.finish());
  }

  @Test
  void theNoopsStopAtTheUpgradeTimeout() {
    Duration upgradeTimeout = UpgradeNoops.INTERVAL.multipliedBy(3);
    webSocket
        .pipeline()
        .replace(
            UpgradeNoops.class, "upgradeNoops", new UpgradeNoops(pendingPolls, upgradeTimeout));
    probe();
    tick();
    tick();
    EmbeddedChannel poll = pendingPoll();

    long next = tick();

    assertNoop(poll);
    assertEquals(NOTHING_SCHEDULED, next, "the noop at the timeout is the last");
    assertFalse(webSocket.finish());
  }

  @Test
  void aProbeFromASessionAlreadyOnWebSocketStartsNoNoops() {
    session.client.upgradeCurrentTransport(Transport.WEBSOCKET);

    probe();

    assertEquals(NOTHING_SCHEDULED, webSocket.runScheduledPendingTasks());
    assertFalse(webSocket.finish());
  }

  @ParameterizedTest
  @CsvSource({
    "WEBSOCKET,2",
    "WEBSOCKET,3probe",
    "WEBSOCKET,5",
    "WEBSOCKET,2probe!",
    "POLLING,2probe"
  })
  void aPacketOtherThanAWebSocketProbeStartsNoNoops(Transport transport, String content) {
    PacketsMessage message = new PacketsMessage(session.client, Buffers.utf8(content), transport);

    webSocket.writeInbound(message);

    assertHandedOn(message);
    assertEquals(NOTHING_SCHEDULED, webSocket.runScheduledPendingTasks());
    assertFalse(webSocket.finish());
  }

  /**
   * {@return a session's WebSocket connection: bound to the session as the library binds it at the
   * handshake, before the probe, on an event loop whose clock moves only when the test moves it}
   */
  private EmbeddedChannel webSocket(UpgradeNoops upgradeNoops) {
    EmbeddedChannel channel =
        new EmbeddedChannel(upgradeNoops, LosslessPacketEncoder.handler(session.configuration));
    channel.freezeTime();
    session.client.bindChannel(channel, Transport.WEBSOCKET);
    return channel;
  }

  /**
   * {@return a long-poll of the session, pending: its GET went through {@link #pendingPolls}, and
   * the library bound its connection to the session, with nothing to send yet}
   */
  private EmbeddedChannel pendingPoll() {
    EmbeddedChannel poll =
        new EmbeddedChannel(pendingPolls, LosslessPacketEncoder.handler(session.configuration));
    poll.writeInbound(Http.get(session.sid()));
    FullHttpRequest get = poll.readInbound();
    get.release();
    session.client.bindChannel(poll, Transport.POLLING);
    assertNull(poll.readOutbound(), "pending");
    return poll;
  }

  /** The client's probe arrives on the WebSocket, and is handed on to the library. */
  private void probe() {
    PacketsMessage probe =
        new PacketsMessage(session.client, Buffers.utf8("2probe"), Transport.WEBSOCKET);
    webSocket.writeInbound(probe);
    assertHandedOn(probe);
  }

  private void assertHandedOn(PacketsMessage message) {
    PacketsMessage handedOn = webSocket.readInbound();
    assertSame(message, handedOn);
    handedOn.getContent().release();
  }

  /** {@return the delay to the next scheduled check, after one interval's checks ran} */
  private long tick() {
    webSocket.advanceTimeBy(UpgradeNoops.INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    return webSocket.runScheduledPendingTasks();
  }

  private static void assertNoop(EmbeddedChannel poll) {
    Http.Response response = Http.readResponse(poll);
    assertEquals(HttpResponseStatus.OK, response.status());
    assertEquals("6", response.body());
    assertEquals("1", response.headers().get(HttpHeaderNames.CONTENT_LENGTH));
    assertFalse(poll.isOpen(), "the library closes a poll once answered");
    assertTrue(poll.outboundMessages().isEmpty(), "one noop");
    assertFalse(poll.finish());
  }
}
