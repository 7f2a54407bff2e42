package dev.mia.server.socketio;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import dev.mia.core.auth.TokenService;
import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.ConversationObserver;
import dev.mia.server.compat.DroppedDefaultPipeline;
import dev.mia.server.compat.QuietExceptionListener;
import dev.mia.server.config.ServerConfig;
import dev.mia.server.follow.ConnectionCap;
import dev.mia.server.follow.Followers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.epoll.Epoll;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Socket.IO v4 on netty-socketio, set up as Node's Socket.IO behaves by default (the differences
 * are listed in {@code platform-notes.md}), with the REST routes on the same port. {@link #start()}
 * binds the port; {@link #stop()} closes it and every connection.
 */
public final class SocketIoEndpoint {
  /** Socket.IO's default {@code maxHttpBufferSize}, which the original's clients expect. */
  public static final int MAX_PAYLOAD_BYTES = 1_000_000;

  private final SocketIOServer server;
  private final RoomEvents roomEvents;

  /** What an endpoint is wired to; the cap and the room events stay the caller's to close. */
  public record Parts(
      ConversationEngine engine,
      TokenService tokens,
      ChannelHandler httpRoutes,
      Optional<ChannelHandler> plainWebSockets,
      ScheduledExecutorService timer,
      ConversationObserver observer,
      Followers followers,
      ConnectionCap connectionCap,
      RoomEvents roomEvents) {}

  /**
   * An endpoint as {@code config} describes: it identifies users with the parts' tokens and admits
   * them under the connection cap, answers plain HTTP with the routes and plain-WebSocket upgrades
   * with their router, times refusals on the timer, tells the observer of the connections it
   * refuses, registers its rooms with the followers, and shares the events of sessions' rooms with
   * other servers through the room events, which it {@linkplain RoomEvents#start starts}.
   */
  public SocketIoEndpoint(ServerConfig config, Parts parts) {
    ReplyJsonSupport json = new ReplyJsonSupport();
    WebSocketChannels webSockets = new WebSocketChannels();
    RoomEvents roomEvents = parts.roomEvents();
    this.roomEvents = roomEvents;
    this.server = new SocketIOServer(configuration(config, json));
    DroppedDefaultPipeline.release(server);
    Namespace namespace = (Namespace) server.getNamespace(Namespace.DEFAULT_NAME);
    parts
        .followers()
        .register(
            new RoomTransport(id -> new SessionRoom(namespace, webSockets, json, roomEvents, id)));
    SocketIoAdapter adapter =
        new SocketIoAdapter(
            parts.engine(),
            parts.tokens(),
            parts.connectionCap(),
            config.requireAuth(),
            parts.timer(),
            parts.followers(),
            parts.observer());
    server.setPipelineFactory(
        new SocketIoPipeline(
            parts.httpRoutes(),
            parts.plainWebSockets(),
            webSockets,
            new AdmissionGate(adapter::decide)));
    adapter.install(server);
    // What other servers send to a room goes to the connections here only: never published again.
    RoomEvents none = RoomEvents.none();
    roomEvents.start(
        (sessionId, event, payloadJson) ->
            new SessionRoom(namespace, webSockets, json, none, sessionId)
                .deliver(event, payloadJson));
  }

  private static Configuration configuration(ServerConfig config, ReplyJsonSupport json) {
    Configuration c = new Configuration();
    c.setHostname(config.host());
    c.setPort(config.port());
    c.setTransports(Transport.WEBSOCKET, Transport.POLLING);
    c.setPingInterval(25_000);
    c.setPingTimeout(20_000);
    c.setMaxHttpContentLength(MAX_PAYLOAD_BYTES);
    c.setMaxFramePayloadLength(MAX_PAYLOAD_BYTES);
    // Node's Socket.IO does not compress WebSocket frames by default, and a compressed frame
    // would slip a large decoded payload under the frame limit.
    c.setWebsocketCompression(false);
    c.setHttpCompression(false);
    c.setRandomSession(true);
    c.setAddVersionHeader(false);
    c.setAckMode(AckMode.MANUAL);
    c.setAllowCustomRequests(true);
    // Every stage of a message runs on these threads and none of them waits, so one per core is
    // enough; Netty's default of two per core only adds switching between them.
    c.setWorkerThreads(
        config.workerThreads() > 0
            ? config.workerThreads()
            : Runtime.getRuntime().availableProcessors());
    // Linux's epoll through Netty's native transport (which netty-socketio brings): less CPU per
    // read, write and wake-up than the JDK's selector. Elsewhere the JDK's NIO.
    c.setUseLinuxNativeEpoll(Epoll.isAvailable());
    SocketConfig sockets = new SocketConfig();
    sockets.setReuseAddress(true);
    sockets.setAcceptBackLog(4096);
    c.setSocketConfig(sockets);
    c.setExceptionListener(new QuietExceptionListener());
    c.setJsonSupport(json);
    return c;
  }

  /**
   * Binds the port. {@return the listening channel}
   *
   * @throws PortUnavailableException if the port cannot be bound (taken, or not permitted); {@link
   *     #stop()} the endpoint then, to end the threads it started
   */
  public Channel start() {
    ChannelFuture bound = (ChannelFuture) server.startAsync().awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new PortUnavailableException(bound.cause());
    }
    return bound.channel();
  }

  /** {@return the open connections on {@code transport}} */
  public long connections(Transport transport) {
    long open = 0;
    for (SocketIOClient client : server.getAllClients()) {
      if (client.getTransport() == transport) {
        open++;
      }
    }
    return open;
  }

  /** Closes the listening socket and every connection. */
  public void stop() {
    server.stop();
  }
}
