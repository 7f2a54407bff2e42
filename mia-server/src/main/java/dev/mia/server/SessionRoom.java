package dev.mia.server;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.channel.ChannelFuture;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every connection joined to one session: sends an event to all of them and says when the sockets
 * have taken it, which netty-socketio's broadcast does not. That signal lets a reply merge the
 * pieces that arrive while its previous chunk is still being written.
 */
final class SessionRoom {
  private static final Runnable NOTHING = () -> {};

  private final Namespace namespace;
  private final String sessionId;

  SessionRoom(Namespace namespace, String sessionId) {
    this.namespace = namespace;
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
    for (SocketIOClient client : clients) {
      if (!(client instanceof NamespaceClient namespaced)) {
        client.sendEvent(event, payload);
        continue;
      }
      Packet packet = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
      packet.setSubType(PacketType.EVENT);
      packet.setName(event);
      packet.setData(data);
      ChannelFuture future =
          namespaced
              .getBaseClient()
              .send(
                  packet.withNsp(namespaced.getNamespace().getName(), client.getEngineIOVersion()));
      if (future != null) {
        pending.incrementAndGet();
        future.addListener(f -> one.run());
      }
    }
    one.run();
  }
}
