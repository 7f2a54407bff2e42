package dev.mia.server.socketio;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import dev.mia.core.auth.TokenService;
import dev.mia.core.conversation.ConversationEngine;
import dev.mia.server.compat.DroppedDefaultPipeline;
import dev.mia.server.compat.QuietExceptionListener;
import dev.mia.server.config.ServerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.epoll.Epoll;
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

  /**
   * An endpoint for {@code engine} as {@code config} describes, for a server that is alone:
   * connections counted in this process, room events kept here.
   */
  public SocketIoEndpoint(
      ServerConfig config,
      ConversationEngine engine,
      TokenService tokens,
      ChannelHandler httpRoutes,
      ScheduledExecutorService timer) {
    this(
        config,
        engine,
        tokens,
        httpRoutes,
        timer,
        ConnectionCap.local(config.maxConnectionsPerUser()),
        RoomEvents.none());
  }

  /**
   * An endpoint for {@code engine} as {@code config} describes, identifying users with {@code
   * tokens} and admitting them under {@code connectionCap}, answering plain HTTP with {@code
   * httpRoutes}, timing refusals on {@code timer}, and sharing the events of sessions' rooms with
   * other servers through {@code roomEvents}, which it {@linkplain RoomEvents#start starts}. The
   * cap and the room events stay the caller's to close.
   */
  public SocketIoEndpoint(
      ServerConfig config,
      ConversationEngine engine,
      TokenService tokens,
      ChannelHandler httpRoutes,
      ScheduledExecutorService timer,
      ConnectionCap connectionCap,
      RoomEvents roomEvents) {
    ReplyJsonSupport json = new ReplyJsonSupport();
    WebSocketChannels webSockets = new WebSocketChannels();
    this.roomEvents = roomEvents;
    this.server = new SocketIOServer(configuration(config, json));
    DroppedDefaultPipeline.release(server);
    Namespace namespace = (Namespace) server.getNamespace(Namespace.DEFAULT_NAME);
    SocketIoAdapter adapter =
        new SocketIoAdapter(
            engine,
            tokens,
            connectionCap,
            config.requireAuth(),
            timer,
            sessionId -> new SessionRoom(namespace, webSockets, json, roomEvents, sessionId));
    server.setPipelineFactory(
        new SocketIoPipeline(httpRoutes, webSockets, new AdmissionGate(adapter::decide)));
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

  /** Closes the listening socket and every connection. */
  public void stop() {
    server.stop();
  }
}
