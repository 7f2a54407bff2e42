package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ConnectPacketAuth}: a bare CONNECT reaches the library with an empty {@code auth}, so the
 * library runs its auth listeners for every connection; everything else passes as it came.
 */
class ConnectPacketAuthTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(new ConnectPacketAuth());

  @Test
  void bareConnectGetsAnEmptyAuthObject() {
    ByteBuf content = Buffers.utf8("40");

    channel.writeInbound(new PacketsMessage(null, content, Transport.POLLING));

    PacketsMessage handedOn = channel.readInbound();
    try {
      assertEquals("40{}", Buffers.text(handedOn.getContent()));
      assertSame(Transport.POLLING, handedOn.getTransport());
      assertNull(handedOn.getClient());
      assertEquals(1, content.refCnt(), "the original stays with the transport that read it");
    } finally {
      content.release();
      handedOn.getContent().release();
    }
    assertFalse(channel.finish());
  }

  @Test
  void bareConnectOverWebSocketKeepsItsTransport() {
    ByteBuf content = Buffers.utf8("40");

    channel.writeInbound(new PacketsMessage(null, content, Transport.WEBSOCKET));

    PacketsMessage handedOn = channel.readInbound();
    try {
      assertEquals("40{}", Buffers.text(handedOn.getContent()));
      assertSame(Transport.WEBSOCKET, handedOn.getTransport());
    } finally {
      content.release();
      handedOn.getContent().release();
    }
    assertFalse(channel.finish());
  }

  @Test
  void bareConnectIsRecognisedFromTheBuffersReaderIndex() {
    ByteBuf content = Buffers.utf8("4240");
    content.skipBytes(2);

    channel.writeInbound(new PacketsMessage(null, content, Transport.POLLING));

    PacketsMessage handedOn = channel.readInbound();
    try {
      assertEquals("40{}", Buffers.text(handedOn.getContent()));
    } finally {
      content.release();
      handedOn.getContent().release();
    }
    assertFalse(channel.finish());
  }

  @Test
  void connectWithAnAuthObjectIsHandedOnUnchanged() {
    assertHandedOnUnchanged("40{\"token\":\"eyJhbGciOiJIUzI1NiJ9.e30.c2ln\"}");
  }

  @Test
  void eventPacketIsHandedOnUnchanged() {
    assertHandedOnUnchanged("42[\"message\",{\"sessionId\":\"session_x\",\"message\":\"hi\"}]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "40{}",
        "40/admin,",
        "41",
        "4",
        "400",
        "04",
        "2probe",
        "3",
        "5",
        "6",
        "1",
        "",
        "\u00e940"
      })
  void otherContentsAreHandedOnUnchanged(String content) {
    assertHandedOnUnchanged(content);
  }

  @Test
  void messagesOtherThanPacketsPassUntouched() {
    Object other = new Object();

    channel.writeInbound(other);

    assertSame(other, channel.readInbound());
    assertFalse(channel.finish());
  }

  private void assertHandedOnUnchanged(String text) {
    ByteBuf content = Buffers.utf8(text);
    PacketsMessage message = new PacketsMessage(null, content, Transport.POLLING);

    channel.writeInbound(message);

    PacketsMessage handedOn = channel.readInbound();
    try {
      assertSame(message, handedOn);
      assertSame(content, handedOn.getContent());
      assertEquals(text, Buffers.text(content));
      assertEquals(0, content.readerIndex(), "not read");
    } finally {
      content.release();
    }
    assertFalse(channel.finish());
  }
}
