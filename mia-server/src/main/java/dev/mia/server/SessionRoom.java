package dev.mia.server;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every connection joined to one session: sends an event to all of them and says when the sockets
 * have taken it, which netty-socketio's broadcast does not. That signal lets a reply merge the
 * pieces that arrive while its previous chunk is still being written. The event is encoded once and
 * written as a ready WebSocket frame to every connection on an Engine.IO 4 WebSocket (the same
 * bytes the library would write, without its per-client queue, encoder and second trip through the
 * pipeline); a connection on long-polling, or whose channel is not known yet, gets it through the
 * library.
 */
final class SessionRoom {
  private static final Runnable NOTHING = () -> {};

  private final Namespace namespace;
  private final WebSocketChannels webSockets;
  private final WholePacketJsonSupport json;
  private final String sessionId;

  SessionRoom(
      Namespace namespace,
      WebSocketChannels webSockets,
      WholePacketJsonSupport json,
      String sessionId) {
    this.namespace = namespace;
    this.webSockets = webSockets;
    this.json = json;
    this.sessionId = sessionId;
  }

  String sessionId() {
    return sessionId;
  }

  /** Sends one event to every joined connection. */
  void send(String event, Object payload) {
    send(event, payload, NOTHING);
  }

  /**
   * Sends one event to every joined connection and runs {@code written} once every socket has
   * written it (at once if there is none, or a polling client will fetch it later). {@code written}
   * runs on a Netty I/O thread or on the caller's.
   */
  void send(String event, Object payload, Runnable written) {
    // The namespace's room map directly: the server-wide broadcast lookup builds operations for
    // every namespace and copies the clients into a new list, for each piece of every reply.
    Iterable<SocketIOClient> clients = namespace.getRoomClients(sessionId);
    AtomicInteger pending = new AtomicInteger(1);
    Runnable one =
        () -> {
          if (pending.decrementAndGet() == 0) {
            written.run();
          }
        };
    List<Object> data = List.of(payload);
    ByteBuf frameText = null;
    try {
      for (SocketIOClient client : clients) {
        if (!(client instanceof NamespaceClient namespaced)) {
          client.sendEvent(event, payload);
          continue;
        }
        Optional<Channel> webSocket = directChannel(namespaced);
        ChannelFuture future;
        if (webSocket.isPresent()) {
          Channel channel = webSocket.get();
          if (frameText == null) {
            frameText = encode(channel.alloc(), event, data);
          }
          future = channel.writeAndFlush(new TextWebSocketFrame(frameText.retainedDuplicate()));
        } else {
          Packet packet = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
          packet.setSubType(PacketType.EVENT);
          packet.setName(event);
          packet.setData(data);
          future =
              namespaced
                  .getBaseClient()
                  .send(
                      packet.withNsp(
                          namespaced.getNamespace().getName(), client.getEngineIOVersion()));
        }
        if (future != null) {
          pending.incrementAndGet();
          future.addListener(f -> one.run());
        }
      }
    } finally {
      if (frameText != null) {
        frameText.release();
      }
    }
    one.run();
  }

  /** The client's WebSocket channel, if the client is on one of the default namespace. */
  private Optional<Channel> directChannel(NamespaceClient client) {
    if (client.getTransport() != Transport.WEBSOCKET
        || client.getEngineIOVersion() != EngineIOVersion.V4
        || !Namespace.DEFAULT_NAME.equals(client.getNamespace().getName())) {
      return Optional.empty();
    }
    return webSockets.of(client.getSessionId());
  }

  /** An event packet as Engine.IO 4 writes it: message (4), event (2), then [name, payload]. */
  private ByteBuf encode(ByteBufAllocator alloc, String event, List<Object> data) {
    ByteBuf text = alloc.ioBuffer();
    try {
      text.writeByte('4').writeByte('2');
      List<Object> values = new ArrayList<>(1 + data.size());
      values.add(event);
      values.addAll(data);
      json.writeValue(new ByteBufOutputStream(text), values);
      return text;
    } catch (IOException | RuntimeException e) {
      text.release();
      throw new IllegalStateException("cannot encode " + event, e);
    }
  }
}
