package dev.mia.server.socketio;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import com.fasterxml.jackson.databind.util.RawValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
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
 * pipeline); a connection on long-polling, whose channel is not known yet, or with packets still
 * queued in the library, gets it through the library.
 *
 * <p>In a cluster each event also goes to the other servers ({@link RoomEvents}), which deliver it
 * to their own connections in the room through {@link #deliver}; alone, nothing more is done than
 * the local writes.
 */
final class SessionRoom {
  /**
   * The event that goes only to the room's connections that asked for it ({@code join_session} with
   * {@code typing: true}), on this server and the others; marked by {@link #TYPING_WANTED} in the
   * connection's store. It shares the room's order with the reply's other events.
   */
  static final String TYPING = "typing";

  /** The connection-store key of a connection that wants {@link #TYPING} events. */
  static final String TYPING_WANTED = "mia.typing";

  private static final Runnable NOTHING = () -> {};
  // The longest WebSocket frame header a server writes: 2 bytes and a 64-bit length.
  private static final int MAX_HEADER = 10;

  private final Namespace namespace;
  private final WebSocketChannels webSockets;
  private final ReplyJsonSupport json;
  private final RoomEvents otherServers;
  private final String sessionId;

  /**
   * The room of {@code sessionId} in {@code namespace}, written to as described above, its events
   * published to {@code otherServers}.
   */
  SessionRoom(
      Namespace namespace,
      WebSocketChannels webSockets,
      ReplyJsonSupport json,
      RoomEvents otherServers,
      String sessionId) {
    this.namespace = namespace;
    this.webSockets = webSockets;
    this.json = json;
    this.otherServers = otherServers;
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
   * Sends one event to every joined connection, here and on the other servers, and runs {@code
   * written} once every socket here has written it and it has gone out to the other servers (at
   * once if there is none, or a polling client will fetch it later). {@code written} runs on a
   * Netty I/O thread, a thread of the cluster client, or the caller's.
   */
  void send(String event, Object payload, Runnable written) {
    if (otherServers == NoRoomEvents.INSTANCE) {
      deliver(event, payload, written); // alone: exactly the local path, nothing added
      return;
    }
    AtomicInteger pending = new AtomicInteger(2);
    Runnable one =
        () -> {
          if (pending.decrementAndGet() == 0) {
            written.run();
          }
        };
    otherServers
        .publish(sessionId, event, json.toJson(payload))
        .whenComplete((done, failed) -> one.run());
    deliver(event, payload, one);
  }

  /**
   * Sends one event another server sent to the room, to the connections joined here; {@code
   * payloadJson} is written as it is.
   */
  void deliver(String event, String payloadJson) {
    deliver(event, new RawValue(payloadJson), NOTHING);
  }

  /** Writes one event to every connection joined here; runs {@code written} as {@link #send}. */
  private void deliver(String event, Object payload, Runnable written) {
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
    ByteBuf frame = null;
    try {
      boolean typing = TYPING.equals(event);
      for (SocketIOClient client : clients) {
        if (typing && !Boolean.TRUE.equals(client.get(TYPING_WANTED))) {
          continue;
        }
        if (!(client instanceof NamespaceClient namespaced)) {
          client.sendEvent(event, payload);
          continue;
        }
        Optional<ChannelHandlerContext> webSocket = directChannel(namespaced);
        ChannelFuture future;
        if (webSocket.isPresent()) {
          ChannelHandlerContext ctx = webSocket.get();
          if (frame == null) {
            frame = textFrame(ctx.alloc(), event, data);
          }
          future = ctx.writeAndFlush(frame.retainedDuplicate());
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
      if (frame != null) {
        frame.release();
      }
    }
    one.run();
  }

  /**
   * Sends one event to every joined connection but {@code sender} (a connection of any transport),
   * through the library here, and to the other servers.
   */
  void sendToOthers(Object sender, String event, Object payload) {
    if (otherServers != NoRoomEvents.INSTANCE) {
      otherServers.publish(sessionId, event, json.toJson(payload));
    }
    for (SocketIOClient client : namespace.getRoomClients(sessionId)) {
      if (!(sender instanceof SocketIOClient own
          && own.getSessionId().equals(client.getSessionId()))) {
        client.sendEvent(event, payload);
      }
    }
  }

  /** The client's WebSocket channel, if the client is on one of the default namespace. */
  private Optional<ChannelHandlerContext> directChannel(NamespaceClient client) {
    if (client.getTransport() != Transport.WEBSOCKET
        || client.getEngineIOVersion() != EngineIOVersion.V4
        || !Namespace.DEFAULT_NAME.equals(client.getNamespace().getName())
        // A packet queued for polling just before the upgrade (the upgrade hands the polling queue
        // to the WebSocket) goes out with the library's next write: until then, events follow it
        // through the library, or they would overtake it.
        || !client.getBaseClient().getPacketsQueue(Transport.WEBSOCKET).isEmpty()) {
      return Optional.empty();
    }
    return webSockets.of(client.getSessionId());
  }

  /**
   * An event packet as Engine.IO 4 writes it (message {@code 4}, event {@code 2}, then {@code
   * [name, payload]}) in a final, unmasked WebSocket text frame (RFC 6455 5.2), as Netty's encoder
   * frames it: the payload is written first after room for the longest header, which then goes
   * right in front of it.
   */
  private ByteBuf textFrame(ByteBufAllocator alloc, String event, List<Object> data) {
    ByteBuf buf = alloc.ioBuffer();
    try {
      buf.writerIndex(MAX_HEADER);
      buf.writeByte('4').writeByte('2');
      List<Object> values = new ArrayList<>(1 + data.size());
      values.add(event);
      values.addAll(data);
      json.writeValue(new ByteBufOutputStream(buf), values);
      int length = buf.writerIndex() - MAX_HEADER;
      int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
      int at = MAX_HEADER - header;
      buf.setByte(at, 0x81); // FIN, text
      if (header == 2) {
        buf.setByte(at + 1, length);
      } else if (header == 4) {
        buf.setByte(at + 1, 126);
        buf.setShort(at + 2, length);
      } else {
        buf.setByte(at + 1, 127);
        buf.setLong(at + 2, length);
      }
      buf.readerIndex(at);
      return buf;
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw new IllegalStateException("cannot encode " + event, e);
    }
  }
}
