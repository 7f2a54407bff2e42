package dev.mia.server;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mia.core.auth.TokenService;
import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.RateLimit;
import dev.mia.core.conversation.SystemPrompts;
import dev.mia.core.model.ChatModel;
import dev.mia.core.model.OfflineChatModel;
import dev.mia.core.model.openai.OpenAiChatModel;
import dev.mia.core.model.openai.StreamingHttpChatModel;
import dev.mia.core.safety.ModerationSafetyClassifier;
import dev.mia.core.safety.SafetyClassifiers;
import dev.mia.core.session.InMemorySessionStore;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.Epoll;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mia server: one port serving Socket.IO v4 (websocket and polling) and the REST routes, wired
 * to a {@link ConversationEngine}. Start with {@link #start()}, stop with {@link #stop()}.
 */
public final class MiaServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MiaServer.class);

  /** Socket.IO's default {@code maxHttpBufferSize}, which the original's clients expect. */
  static final int MAX_PAYLOAD_BYTES = 1_000_000;

  private final ServerConfig config;
  private final ConversationEngine engine;
  private final AutoCloseable model;
  private final java.util.Optional<ModerationSafetyClassifier> moderation;
  private final SocketIOServer socketIo;
  private final ScheduledExecutorService timer;
  private final ExecutorService turnsOffLoop;
  private volatile int boundPort = -1;
  private volatile io.netty.channel.Channel listening;

  /**
   * Builds the server from its configuration; nothing listens until {@link #start()}.
   *
   * @throws ConfigException if a setting cannot be applied (e.g. an unreadable prompts file)
   */
  public MiaServer(ServerConfig config) {
    this.config = config;
    ChatModel chatModel = chatModel(config);
    this.model = (AutoCloseable) chatModel;
    TokenService tokens = new TokenService(jwtSecret(config));
    this.moderation =
        config.moderation()
            ? java.util.Optional.of(
                SafetyClassifiers.withModeration(
                    SafetyClassifiers.standard(),
                    config.openAiApiKey().orElseThrow(),
                    config.openAiBaseUrl().orElse("https://api.openai.com/v1"),
                    ModerationSafetyClassifier.DEFAULT_TIMEOUT))
            : java.util.Optional.empty();
    ConversationEngine.Builder engineBuilder =
        ConversationEngine.builder()
            .chatModel(chatModel)
            .sessionStore(new InMemorySessionStore(config.sessionTtl(), config.maxSessions()))
            .maxMessageChars(config.maxMessageChars())
            .historyLimit(config.historyLimit())
            .maxQueuedPerSession(config.maxQueuedMessages())
            .modelIdleTimeout(config.modelIdleTimeout())
            .rateLimit(
                new RateLimit(
                    config.rateLimitBurst(), config.rateLimitPerMinute(), Duration.ofMinutes(1)));
    config.promptsFile().ifPresent(p -> engineBuilder.systemPrompts(SystemPrompts.load(p)));
    engineBuilder.crisisResources(config.crisisResources());
    moderation.ifPresent(engineBuilder::safetyClassifier);
    // Without the moderation endpoint a turn never blocks, so it runs on the socket's own I/O
    // thread (see EventLoopTurns); with it, on the engine's pool.
    this.turnsOffLoop =
        Executors.newSingleThreadExecutor(new DefaultThreadFactory("mia-turn", true));
    if (moderation.isEmpty()) {
      engineBuilder.turnExecutor(new EventLoopTurns(turnsOffLoop));
    }
    this.engine = engineBuilder.build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("mia-timer", true));

    Configuration socketConfig = new Configuration();
    socketConfig.setHostname(config.host());
    socketConfig.setPort(config.port());
    socketConfig.setTransports(Transport.WEBSOCKET, Transport.POLLING);
    socketConfig.setPingInterval(25_000);
    socketConfig.setPingTimeout(20_000);
    socketConfig.setMaxHttpContentLength(MAX_PAYLOAD_BYTES);
    socketConfig.setMaxFramePayloadLength(MAX_PAYLOAD_BYTES);
    // Node's Socket.IO does not compress WebSocket frames by default, and a compressed frame
    // would slip a large decoded payload under the frame limit.
    socketConfig.setWebsocketCompression(false);
    socketConfig.setHttpCompression(false);
    socketConfig.setRandomSession(true);
    socketConfig.setAddVersionHeader(false);
    socketConfig.setAckMode(AckMode.MANUAL);
    socketConfig.setAllowCustomRequests(true);
    // Every stage of a message runs on these threads and none of them waits, so one per core is
    // enough; Netty's default of two per core only adds switching between them.
    socketConfig.setWorkerThreads(
        config.workerThreads() > 0
            ? config.workerThreads()
            : Runtime.getRuntime().availableProcessors());
    // Linux's epoll through Netty's native transport (which netty-socketio brings): less CPU per
    // read, write and wake-up than the JDK's selector. Elsewhere the JDK's NIO.
    socketConfig.setUseLinuxNativeEpoll(Epoll.isAvailable());
    SocketConfig sockets = new SocketConfig();
    sockets.setReuseAddress(true);
    sockets.setAcceptBackLog(4096);
    socketConfig.setSocketConfig(sockets);
    socketConfig.setExceptionListener(new QuietExceptions());
    WholePacketJsonSupport json = new WholePacketJsonSupport();
    socketConfig.setJsonSupport(json);
    this.socketIo = new SocketIOServer(socketConfig);

    HttpRoutes routes =
        new HttpRoutes(
            new ObjectMapper(),
            new OriginPolicy(config.allowedOrigins()),
            tokens,
            tokenPolicy(config),
            StaticFiles.fromClasspath(),
            Clock.systemUTC());
    PendingPolls pendingPolls = new PendingPolls();
    PollingConnectionClose connectionClose = new PollingConnectionClose();
    ConnectPacketAuth connectAuth = new ConnectPacketAuth();
    UpgradeNoops upgradeNoops =
        new UpgradeNoops(pendingPolls, Duration.ofMillis(socketConfig.getUpgradeTimeout()));
    WebSocketChannels webSockets = new WebSocketChannels();
    socketIo.setPipelineFactory(
        new SocketIOChannelInitializer() {
          private EncoderHandler encoder;

          @Override
          public void start(Configuration configuration, NamespacesHub namespacesHub) {
            super.start(configuration, namespacesHub);
            encoder = LosslessPacketEncoder.handler(configuration);
          }

          @Override
          protected void addSocketioHandlers(ChannelPipeline pipeline) {
            super.addSocketioHandlers(pipeline);
            // First: netty-socketio fires decoded WebSocket packets from the pipeline's head.
            pipeline.addFirst("miaWebSocketChannels", webSockets);
            pipeline.addAfter("miaWebSocketChannels", "miaUpgradeNoops", upgradeNoops);
            pipeline.replace(SOCKETIO_ENCODER, SOCKETIO_ENCODER, encoder);
            pipeline.addAfter(HTTP_ENCODER, "miaHttpRoutes", routes);
            pipeline.addAfter("miaHttpRoutes", "miaPendingPolls", pendingPolls);
            pipeline.addAfter("miaPendingPolls", "miaPollingConnectionClose", connectionClose);
            pipeline.addAfter("miaPollingConnectionClose", "miaConnectPacketAuth", connectAuth);
          }
        });
    new SocketIoAdapter(
            engine,
            tokens,
            new ConnectionRegistry(config.maxConnectionsPerUser()),
            config.requireAuth(),
            timer,
            webSockets,
            json)
        .install(socketIo);
  }

  /** Binds the port and starts serving. */
  public void start() {
    ChannelFuture bound = (ChannelFuture) socketIo.startAsync().syncUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IllegalStateException(
          "cannot listen on " + config.host() + ":" + config.port(), bound.cause());
    }
    listening = bound.channel();
    boundPort = ((InetSocketAddress) listening.localAddress()).getPort();
    log.info("Mia server listening on http://{}:{}", config.host(), boundPort);
  }

  /** {@return the port the server listens on; known after {@link #start()}} */
  public int port() {
    return boundPort;
  }

  /**
   * Stops gracefully: closes the listening socket, refuses new messages, lets replies in flight
   * finish for up to the configured grace time, then closes every connection.
   */
  public void stop() {
    io.netty.channel.Channel channel = listening;
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    engine.stopAccepting();
    try {
      if (!engine.awaitIdle(config.shutdownGrace())) {
        log.warn("replies still streaming after {}; stopping anyway", config.shutdownGrace());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  /** Stops at once: connections and streams are cut. */
  @Override
  public void close() {
    socketIo.stop();
    engine.close();
    turnsOffLoop.shutdownNow();
    timer.shutdownNow();
    moderation.ifPresent(ModerationSafetyClassifier::close);
    try {
      model.close();
    } catch (Exception e) {
      log.warn("closing the model failed: {}", e.getClass().getName());
    }
  }

  private static ChatModel chatModel(ServerConfig config) {
    if (config.openAiApiKey().isEmpty()) {
      log.warn("OPENAI_API_KEY is not set: replies come from the offline responder");
      return new OfflineChatModel();
    }
    log.info(
        "replies come from model {} at {} through the {} client",
        config.openAiModel(),
        config.openAiBaseUrl().orElse("the OpenAI API"),
        config.modelClient());
    if (config.modelClient() == ServerConfig.ModelClient.OPENAI_JAVA) {
      OpenAiChatModel.Builder builder =
          OpenAiChatModel.builder()
              .apiKey(config.openAiApiKey().get())
              .model(config.openAiModel())
              .maxRetries(config.openAiMaxRetries())
              .readTimeout(config.modelIdleTimeout());
      config.openAiBaseUrl().ifPresent(builder::baseUrl);
      return builder.build();
    }
    if (config.modelClient() == ServerConfig.ModelClient.NETTY) {
      return new NettyChatModel(
          config.openAiBaseUrl().orElse("https://api.openai.com/v1"),
          config.openAiApiKey().get(),
          config.openAiModel(),
          OpenAiChatModel.DEFAULT_TEMPERATURE,
          config.openAiMaxRetries(),
          Duration.ofSeconds(10),
          Math.max(1, Runtime.getRuntime().availableProcessors()));
    }
    StreamingHttpChatModel.Builder builder =
        StreamingHttpChatModel.builder()
            .apiKey(config.openAiApiKey().get())
            .model(config.openAiModel())
            .maxRetries(config.openAiMaxRetries());
    config.openAiBaseUrl().ifPresent(builder::baseUrl);
    return builder.build();
  }

  private static String jwtSecret(ServerConfig config) {
    if (config.jwtSecret().isPresent()) {
      return config.jwtSecret().get();
    }
    log.warn(
        "JWT_SECRET is not set: using a random secret for this process; tokens will not survive a"
            + " restart");
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static HttpRoutes.TokenPolicy tokenPolicy(ServerConfig config) {
    if (!config.isProduction()) {
      return new HttpRoutes.TokenPolicy.Open();
    }
    return config.adminKey().isPresent()
        ? new HttpRoutes.TokenPolicy.OperatorKey(config.adminKey().get())
        : new HttpRoutes.TokenPolicy.Disabled();
  }

  /**
   * Logs failures without the payloads netty-socketio would print, and keeps a connection whose
   * client sent something unreadable open.
   */
  private static final class QuietExceptions extends ExceptionListenerAdapter {
    @Override
    public void onEventException(
        Exception e,
        java.util.List<Object> args,
        com.corundumstudio.socketio.SocketIOClient client) {
      log.error("event handler failed: {}", e.getClass().getName(), e);
    }

    @Override
    public void onAuthException(Throwable e, com.corundumstudio.socketio.SocketIOClient client) {
      log.error("auth listener failed: {}", e.getClass().getName(), e);
    }

    @Override
    public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
      // Reached from the packet handler: mostly a packet that cannot be decoded (not JSON, nested
      // deeper than the parser allows). The packet is dropped and the connection kept, as for other
      // bad input; closing here cut a WebSocket client off (a polling one kept its session).
      // Transport failures (an oversized frame or body, a reset) are closed where detected.
      log.debug("unreadable packet or connection error: {}", e.getClass().getName());
      return true;
    }
  }
}
