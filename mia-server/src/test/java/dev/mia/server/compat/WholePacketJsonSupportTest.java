package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketDecoder;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WholePacketJsonSupport} under netty-socketio's own packet decoder: an event packet is read
 * to its end whatever the listener reads of it, so the decoder's loop over a buffer finds exactly
 * the packets the client sent.
 */
class WholePacketJsonSupportTest {
  /** Longer than what the JSON parser reads from a stream at once (8,000 bytes). */
  private static final String LONG = "x".repeat(20_000);

  private final LibrarySession session = new LibrarySession();

  @AfterEach
  void stopTheLibrarysTimer() {
    session.close();
  }

  @Test
  void anEventWithTheArgumentsTheListenerReadsIsDecodedAsBefore() throws IOException {
    ByteBuf buffer = Buffers.utf8("42[\"message\",\"hi\"]");

    List<Event> events = decodeAll(whole(), buffer);

    assertEquals(List.of(new Event("message", List.of("hi"))), events);
  }

  @Test
  void anEventWithMoreArgumentsThanTheListenerReadsIsReadToItsEnd() throws IOException {
    String extra = ",{\"nested\":[1,{\"text\":\"" + LONG + "\"}],\"more\":\"]\"}";
    ByteBuf buffer =
        Buffers.utf8(
            "42[\"message\",\"first\""
                + extra
                + "]\u001e42[\"message\",\"second\""
                + extra
                + ",\""
                + LONG
                + "\"]");

    List<Event> events = decodeAll(whole(), buffer);

    assertEquals(
        List.of(new Event("message", List.of("first")), new Event("message", List.of("second"))),
        events);
  }

  @Test
  void anEventNobodyListensToIsConsumedWholeHoweverLong() throws IOException {
    ByteBuf buffer = Buffers.utf8("42[\"unheard\",\"" + LONG + "\",{\"a\":[\"]\"]}]");

    List<Event> events = decodeAll(whole(), buffer);

    assertEquals(List.of(new Event("unheard", List.of())), events, "and nothing read after it");
  }

  @Test
  void thePacketsAfterALongEventNobodyListensToDecodeCorrectly() throws IOException {
    ByteBuf buffer =
        Buffers.utf8(
            "42[\"unheard\",\""
                + LONG
                + "\"]\u001e42[\"message\",\"after\"]\u001e42[\"unheard\",\""
                + LONG
                + "\"]");

    List<Event> events = decodeAll(whole(), buffer);

    assertEquals(
        List.of(
            new Event("unheard", List.of()),
            new Event("message", List.of("after")),
            new Event("unheard", List.of())),
        events);
  }

  /**
   * The fault {@link WholePacketJsonSupport} works around, in netty-socketio's own JSON support:
   * when this fails, the library reads whole packets itself, and the class can go.
   */
  @Test
  void theLibrarysOwnJsonSupportLeavesTheRestOfALongPacketUnread() throws IOException {
    ByteBuf buffer = Buffers.utf8("42[\"unheard\",\"" + LONG + "\"]");
    PacketDecoder decoder = decoder(new JacksonJsonSupport());

    try {
      Packet packet = decoder.decodePackets(buffer, session.client);

      assertEquals("unheard", packet.getName());
      assertTrue(buffer.isReadable(), "the rest is left for the decoder's loop to misread");
    } finally {
      buffer.release();
    }
  }

  /** An event as the decoder made it: its name and the arguments a listener gets. */
  private record Event(String name, List<Object> args) {}

  /** {@return Mia's JSON support, with a listener of {@code message} that reads one string} */
  private static JsonSupport whole() {
    JsonSupport json = new WholePacketJsonSupport();
    json.addEventMapping(Namespace.DEFAULT_NAME, "message", String.class);
    return json;
  }

  private PacketDecoder decoder(JsonSupport json) {
    return new PacketDecoder(json, session.client.getAckManager());
  }

  /**
   * Decodes {@code buffer} as netty-socketio's packet handler does, packet after packet while
   * anything is left to read, and releases it. {@return the events decoded, in order}
   */
  private List<Event> decodeAll(JsonSupport json, ByteBuf buffer) throws IOException {
    PacketDecoder decoder = decoder(json);
    List<Event> events = new ArrayList<>();
    try {
      while (buffer.isReadable()) {
        Packet packet = decoder.decodePackets(buffer, session.client);
        assertEquals(PacketType.MESSAGE, packet.getType());
        assertEquals(PacketType.EVENT, packet.getSubType());
        events.add(new Event(packet.getName(), packet.getData()));
      }
    } finally {
      buffer.release();
    }
    return events;
  }
}
