package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LosslessPacketEncoder}: a long-poll's response carries the first 50 queued packets (the
 * library's limit) and leaves the rest queued, in order, for the next poll.
 */
class LosslessPacketEncoderTest {
  /** Packets per long-poll response: netty-socketio's {@code EncoderHandler} passes 50. */
  private static final int LIMIT = 50;

  private static final String SEPARATOR = "\u001e";

  private final LibrarySession session = new LibrarySession();

  @AfterEach
  void stopTheLibrarysTimer() {
    session.close();
  }

  @Test
  void aPollCarriesTheFirstFiftyPacketsAndLeavesTheRestQueued() {
    queueEvents(LIMIT + 2);
    EmbeddedChannel poll = poll();

    String body = Http.readResponse(poll).body();

    assertEquals(payload(1, LIMIT), body);
    assertEquals(List.of(LIMIT + 1, LIMIT + 2), queuedEventNumbers());
    assertFalse(poll.finish());
  }

  @Test
  void thePacketsLeftQueuedGoOutInOrderWithTheNextPoll() {
    queueEvents(LIMIT + 2);
    EmbeddedChannel first = poll();
    Http.readResponse(first);
    assertFalse(first.finish());

    EmbeddedChannel next = poll();

    String body = Http.readResponse(next).body();

    assertEquals(event(LIMIT + 1) + SEPARATOR + event(LIMIT + 2), body);
    assertEquals(List.of(), queuedEventNumbers());
    assertFalse(next.finish());
  }

  @Test
  void aPollOfExactlyTheLimitLeavesNothingQueued() {
    queueEvents(LIMIT);
    EmbeddedChannel poll = poll();

    String body = Http.readResponse(poll).body();

    assertEquals(payload(1, LIMIT), body);
    assertEquals(List.of(), queuedEventNumbers());
    assertFalse(poll.finish());
  }

  @Test
  void aBase64PollAlsoLeavesThePacketsBeyondTheLimitQueued() {
    queueEvents(LIMIT + 2);
    EmbeddedChannel poll =
        new EmbeddedChannel(LosslessPacketEncoder.handler(session.configuration));
    poll.attr(EncoderHandler.B64).set(true);
    session.client.bindChannel(poll, Transport.POLLING);

    String body = Http.readResponse(poll).body();

    String expected =
        IntStream.rangeClosed(1, LIMIT)
            .mapToObj(LosslessPacketEncoderTest::event)
            .map(packet -> packet.length() + ":" + packet)
            .collect(Collectors.joining());
    assertEquals(expected, body);
    assertEquals(List.of(LIMIT + 1, LIMIT + 2), queuedEventNumbers());
    assertFalse(poll.finish());
  }

  /**
   * The fault {@link LosslessPacketEncoder} works around, in netty-socketio's own encoder: when
   * this fails, the library no longer drops the packet after the limit, and the class can go.
   */
  @Test
  void theLibrarysOwnEncoderDropsThePacketAfterTheLimit() throws IOException {
    PacketEncoder library =
        new PacketEncoder(session.configuration, session.configuration.getJsonSupport());
    Queue<Packet> queue = new ArrayDeque<>(List.of(eventPacket(1), eventPacket(2), eventPacket(3)));
    ByteBuf out = Unpooled.buffer();

    library.encodePackets(queue, out, UnpooledByteBufAllocator.DEFAULT, 2);

    try {
      assertEquals(event(1) + SEPARATOR + event(2), Buffers.text(out));
      assertEquals(List.of(), List.copyOf(queue), "the third packet was taken, and lost");
    } finally {
      out.release();
    }
  }

  /**
   * {@return a connection whose long-poll the library bound to the session: it answers at once with
   * what is queued, and is closed}
   */
  private EmbeddedChannel poll() {
    EmbeddedChannel poll =
        new EmbeddedChannel(LosslessPacketEncoder.handler(session.configuration));
    session.client.bindChannel(poll, Transport.POLLING);
    return poll;
  }

  /** Queues events 1 to {@code count} for the session, which has no poll waiting. */
  private void queueEvents(int count) {
    for (int n = 1; n <= count; n++) {
      session.client.send(eventPacket(n), Transport.POLLING);
    }
  }

  private List<Integer> queuedEventNumbers() {
    return session.queuedForPolling().stream()
        .map(packet -> (Integer) packet.<List<?>>getData().get(0))
        .toList();
  }

  /** {@return the event {@code n} as the encoder writes it} */
  private static String event(int n) {
    return "42[\"chunk\"," + n + "]";
  }

  private static Packet eventPacket(int n) {
    Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
    packet.setSubType(PacketType.EVENT);
    packet.setName("chunk");
    packet.setData(List.of(n));
    return packet;
  }

  /** {@return events {@code from} to {@code to}, as one Engine.IO 4 polling payload} */
  private static String payload(int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(LosslessPacketEncoderTest::event)
        .collect(Collectors.joining(SEPARATOR));
  }
}
