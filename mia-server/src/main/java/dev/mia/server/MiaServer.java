package dev.mia.server;

import com.corundumstudio.socketio.Transport;
import dev.mia.core.auth.TokenService;
import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.RateLimit;
import dev.mia.core.conversation.SystemPrompts;
import dev.mia.core.model.ChatModel;
import dev.mia.core.model.OfflineChatModel;
import dev.mia.core.model.openai.OpenAiChatModel;
import dev.mia.core.model.openai.StreamingHttpChatModel;
import dev.mia.core.safety.ModerationSafetyClassifier;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyClassifiers;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.session.SessionStore;
import dev.mia.core.session.StoreHealth;
import dev.mia.safetymodel.SafetyModelClassifier;
import dev.mia.safetymodel.SafetyModels;
import dev.mia.server.cluster.RedisCluster;
import dev.mia.server.config.ServerConfig;
import dev.mia.server.follow.ConnectionCap;
import dev.mia.server.follow.Followers;
import dev.mia.server.http.HttpRoutes;
import dev.mia.server.http.MetricsRoute;
import dev.mia.server.http.OriginPolicy;
import dev.mia.server.http.Readiness;
import dev.mia.server.http.TokenPolicy;
import dev.mia.server.metrics.ServerMetrics;
import dev.mia.server.model.EventLoopTurns;
import dev.mia.server.model.NettyChatModel;
import dev.mia.server.socketio.PortUnavailableException;
import dev.mia.server.socketio.RoomEvents;
import dev.mia.server.socketio.SocketIoEndpoint;
import dev.mia.server.store.JdbcSessionStore;
import dev.mia.server.store.JdbcStoreConfig;
import dev.mia.server.websocket.ChatEndpoint;
import dev.mia.server.websocket.MessageStreamEndpoint;
import dev.mia.server.websocket.RealtimeEndpoint;
import dev.mia.server.websocket.WebSocketEndpoint;
import dev.mia.server.websocket.WebSocketRouter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mia server: one port serving Socket.IO v4 (websocket and polling) and the REST routes, wired
 * to a {@link ConversationEngine}. Start with {@link #start()}, stop with {@link #stop()}. With a
 * Redis configured ({@code MIA_REDIS_URL}) it is one server of a cluster ({@link RedisCluster}):
 * session locks, the rate limit, the connection cap and the events of sessions' rooms are shared
 * with the other servers on that Redis, which must share its session store too.
 */
public final class MiaServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MiaServer.class);
  private static final String OPENAI_API = "https://api.openai.com/v1";
  // Probes come every few seconds from each load balancer; the checks run at most once a second.
  private static final Duration READY_CACHE = Duration.ofSeconds(1);
  // Past this a check has failed: load balancers' probes time out after one to a few seconds.
  private static final Duration READY_DEADLINE = Duration.ofSeconds(2);
  private static final Duration REDIS_PING_TIMEOUT = Duration.ofSeconds(1);

  private final ServerConfig config;
  private final ChatModel model;
  private final Optional<SafetyModelClassifier> safetyModel;
  private final Optional<ModerationSafetyClassifier> moderation;
  private final ExecutorService turnsOffLoop =
      Executors.newSingleThreadExecutor(new DefaultThreadFactory("mia-turn", true));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("mia-timer", true));
  private final ServerMetrics metrics = new ServerMetrics();
  private final Followers followers = new Followers();
  private final Optional<RedisCluster> cluster;
  private final ConnectionCap connectionCap;
  private final RoomEvents roomEvents;
  private final SessionStore store;
  private final boolean ownsStore;
  private final ConversationEngine engine;
  private final SocketIoEndpoint socketIo;
  private final Readiness readiness;
  private volatile Channel listening;
  private volatile boolean shuttingDown;

  /**
   * Builds the server from its configuration, with the session store it names; nothing listens
   * until {@link #start()}. The server closes that store.
   *
   * @throws IllegalStateException if the store's database or the configured Redis cannot be reached
   */
  public MiaServer(ServerConfig config) {
    this(config, sessionStore(config), true);
  }

  /**
   * Builds the server from its configuration, with sessions in {@code sessionStore}, for embedding
   * and tests (two servers of a cluster in one process share one store); nothing listens until
   * {@link #start()}. The store stays the caller's to close.
   *
   * @throws IllegalStateException if the configured Redis cannot be reached
   */
  public MiaServer(ServerConfig config, SessionStore sessionStore) {
    this(config, sessionStore, false);
  }

  private MiaServer(ServerConfig config, SessionStore sessionStore, boolean ownsStore) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.store = Objects.requireNonNull(sessionStore, "sessionStore == null");
    this.ownsStore = ownsStore;
    try {
      this.safetyModel = safetyModel(config);
    } catch (RuntimeException e) {
      if (ownsStore) {
        sessionStore.close();
      }
      throw e;
    }
    this.cluster =
        config
            .redis()
            .map(
                redis ->
                    RedisCluster.connect(redis, config.redisKeyPrefix(), config.clusterLease()));
    try {
      this.connectionCap =
          cluster
              .map(c -> c.connectionCap(config.maxConnectionsPerUser()))
              .orElseGet(() -> ConnectionCap.local(config.maxConnectionsPerUser()));
      this.roomEvents = cluster.map(RedisCluster::roomEvents).orElseGet(RoomEvents::none);
      this.model = chatModel(config);
      this.moderation = moderation(config, safetyModel);
      this.engine =
          engine(
              config,
              sessionStore,
              cluster,
              model,
              new SafetyOpinions(safetyModel, moderation),
              turnsOffLoop,
              metrics);
      this.readiness =
          new Readiness(
              () -> shuttingDown,
              readinessChecks(sessionStore, cluster),
              READY_CACHE,
              READY_DEADLINE);
      TokenService tokens = new TokenService(jwtSecret(config));
      this.socketIo =
          new SocketIoEndpoint(
              config,
              new SocketIoEndpoint.Parts(
                  engine,
                  tokens,
                  httpRoutes(config, tokens, metrics, readiness),
                  plainWebSockets(config, tokens),
                  timer,
                  metrics.observer(),
                  followers,
                  connectionCap,
                  roomEvents));
    } catch (RuntimeException e) {
      // Nothing else is started yet; the Redis client's threads would outlive the failure.
      cluster.ifPresent(RedisCluster::close);
      safetyModel.ifPresent(SafetyModelClassifier::close);
      if (ownsStore) {
        sessionStore.close();
      }
      throw e;
    }
    metrics.connections("websocket", () -> socketIo.connections(Transport.WEBSOCKET));
    metrics.connections("polling", () -> socketIo.connections(Transport.POLLING));
    metrics.readiness(() -> readiness.lastKnown().map(ready -> ready ? 1 : 0).orElse(null));
    safetyModel.ifPresent(
        model -> {
          metrics.safetyModelFallbacks(
              model, SafetyModelClassifier::fallbacks, SafetyModelClassifier::failures);
          metrics.safetyModelWork(
              model, SafetyModelClassifier::judged, SafetyModelClassifier::judgingNanos);
        });
  }

  /**
   * Binds the port and starts serving.
   *
   * @throws PortUnavailableException if the port cannot be bound; {@link #close()} the server then
   */
  public void start() {
    listening = socketIo.start();
    log.info("Mia is listening: open {} to chat", url());
  }

  /** {@return the port the server listens on; known after {@link #start()}} */
  public int port() {
    Channel channel = listening;
    return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * {@return a URL of the server a person can open: the configured host, or {@code localhost} when
   * it listens on every address}
   */
  public String url() {
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + "/";
  }

  /**
   * Stops gracefully: closes the listening socket, refuses new messages, lets replies in flight
   * finish for up to the configured grace time, then closes every connection.
   */
  public void stop() {
    // First of all: a load balancer probing /ready on a kept-alive connection stops sending work.
    shuttingDown = true;
    Channel channel = listening;
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
    shuttingDown = true;
    socketIo.stop();
    engine.close();
    // After the connections: each gave its place back on the way out.
    cluster.ifPresent(RedisCluster::close);
    if (ownsStore) {
      store.close();
    }
    turnsOffLoop.shutdownNow();
    timer.shutdownNow();
    moderation.ifPresent(ModerationSafetyClassifier::close);
    safetyModel.ifPresent(SafetyModelClassifier::close);
    closeModel();
    metrics.close();
  }

  private void closeModel() {
    try {
      model.close();
    } catch (RuntimeException e) {
      log.warn("closing the model failed: {}", e.getClass().getName());
    }
  }

  private static SessionStore sessionStore(ServerConfig config) {
    return switch (config.store()) {
      case MEMORY -> {
        log.warn("MIA_STORE=memory: conversations are lost when the server stops");
        yield new InMemorySessionStore(config.sessionTtl(), config.maxSessions());
      }
      case EMBEDDED -> {
        Path file = config.dataDir().resolve("mia.db");
        log.info("conversations are kept in {}", file.toAbsolutePath());
        yield JdbcSessionStore.open(
            sharing(
                JdbcStoreConfig.sqlite(file)
                    .withTtl(config.sessionTtl())
                    .withCapacity(config.maxSessions()),
                config));
      }
      case DATABASE -> {
        JdbcStoreConfig database =
            sharing(
                JdbcStoreConfig.jdbc(config.databaseUrl().orElseThrow())
                    .withTtl(config.sessionTtl())
                    .withCapacity(config.maxSessions()),
                config);
        if (config.databaseUser().isPresent()) {
          database =
              database.withCredentials(
                  config.databaseUser().get(), config.databasePassword().orElse(""));
        }
        log.info("conversations are kept in {}", database.safeUrl());
        yield JdbcSessionStore.open(database);
      }
    };
  }

  /**
   * {@return {@code store} as this server uses it: alone, or shared with the other servers of its
   * cluster} A cluster learns that a server died twice: from its heartbeats in the database, which
   * cut off the messages it owed, and from its session locks lapsing in Redis, which lets another
   * server take their sessions' turns. The first must come first, or the next turn would answer the
   * dead server's message in place of its own (see {@link JdbcStoreConfig#withProcessTimeout}). A
   * lock lapses between two thirds of the lease and the whole of it after its last renewal, so half
   * the lease it is: 15 s, the store's default, for the default lease.
   */
  private static JdbcStoreConfig sharing(JdbcStoreConfig store, ServerConfig config) {
    if (config.redis().isEmpty()) {
      return store.withSoleProcess(true);
    }
    return store.withSoleProcess(false).withProcessTimeout(config.clusterLease().dividedBy(2));
  }

  private static ChatModel chatModel(ServerConfig config) {
    if (config.openAiApiKey().isEmpty()) {
      log.warn("OPENAI_API_KEY is not set: replies come from the offline responder");
      return new OfflineChatModel();
    }
    String key = config.openAiApiKey().get();
    log.info(
        "replies come from model {} at {} through the {} client",
        config.openAiModel(),
        config.openAiBaseUrl().orElse("the OpenAI API"),
        config.modelClient());
    return switch (config.modelClient()) {
      case NETTY ->
          new NettyChatModel(
              config.openAiBaseUrl().orElse(OPENAI_API),
              key,
              config.openAiModel(),
              OpenAiChatModel.DEFAULT_TEMPERATURE,
              config.openAiMaxRetries(),
              Duration.ofSeconds(10),
              Math.max(1, Runtime.getRuntime().availableProcessors()));
      case HTTP -> {
        StreamingHttpChatModel.Builder http =
            StreamingHttpChatModel.builder()
                .apiKey(key)
                .model(config.openAiModel())
                .maxRetries(config.openAiMaxRetries());
        config.openAiBaseUrl().ifPresent(http::baseUrl);
        yield http.build();
      }
      case OPENAI_JAVA -> {
        OpenAiChatModel.Builder sdk =
            OpenAiChatModel.builder()
                .apiKey(key)
                .model(config.openAiModel())
                .maxRetries(config.openAiMaxRetries())
                .readTimeout(config.modelIdleTimeout());
        config.openAiBaseUrl().ifPresent(sdk::baseUrl);
        yield sdk.build();
      }
    };
  }

  private static Optional<SafetyModelClassifier> safetyModel(ServerConfig config) {
    if (!config.safetyModel()) {
      return Optional.empty();
    }
    long started = System.nanoTime();
    SafetyModelClassifier classifier =
        SafetyModels.builder()
            .queueWait(config.safetyModelWait())
            .timeShare(config.safetyModelShare())
            .build();
    log.info(
        "safety model loaded in {} ms: the rules and a local embedding model judge each message",
        (System.nanoTime() - started) / 1_000_000);
    return Optional.of(classifier);
  }

  private static Optional<ModerationSafetyClassifier> moderation(
      ServerConfig config, Optional<SafetyModelClassifier> safetyModel) {
    if (!config.moderation()) {
      return Optional.empty();
    }
    SafetyClassifier local =
        safetyModel.<SafetyClassifier>map(m -> m).orElseGet(SafetyClassifiers::standard);
    return Optional.of(
        SafetyClassifiers.withModeration(
            local,
            config.openAiApiKey().orElseThrow(),
            config.openAiBaseUrl().orElse(OPENAI_API),
            ModerationSafetyClassifier.DEFAULT_TIMEOUT));
  }

  /** The safety classifiers beside the rules that the configuration asks for. */
  private record SafetyOpinions(
      Optional<SafetyModelClassifier> model, Optional<ModerationSafetyClassifier> moderation) {}

  private static ConversationEngine engine(
      ServerConfig config,
      SessionStore sessionStore,
      Optional<RedisCluster> cluster,
      ChatModel model,
      SafetyOpinions safety,
      ExecutorService offLoop,
      ServerMetrics metrics) {
    RateLimit rateLimit =
        new RateLimit(config.rateLimitBurst(), config.rateLimitPerMinute(), Duration.ofMinutes(1));
    ConversationEngine.Builder engine =
        ConversationEngine.builder()
            .chatModel(model)
            .sessionStore(sessionStore)
            .maxMessageChars(config.maxMessageChars())
            .historyLimit(config.historyLimit())
            .maxQueuedPerSession(config.maxQueuedMessages())
            .maxActiveMessages(config.maxActiveMessages())
            .modelIdleTimeout(config.modelIdleTimeout())
            .rateLimit(rateLimit)
            .crisisResources(config.crisisResources())
            .observer(metrics.observer());
    cluster.ifPresent(
        c -> engine.sessionLocks(c.sessionLocks()).rateLimiter(c.rateLimiter(rateLimit)));
    config.promptsFile().ifPresent(p -> engine.systemPrompts(SystemPrompts.load(p)));
    if (safety.moderation().isPresent()) {
      // The moderation endpoint blocks, so turns run on the engine's own pool.
      engine.safetyClassifier(safety.moderation().get());
    } else {
      // The model answers on its own pool; the turn comes back to its socket's thread.
      safety.model().ifPresent(engine::safetyClassifier);
      // Without it a turn never blocks and runs on the socket's own I/O thread.
      EventLoopTurns turns = new EventLoopTurns(offLoop);
      engine.turnExecutor(turns).turnPlacement(turns);
    }
    return engine.build();
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

  private Optional<ChannelHandler> plainWebSockets(ServerConfig config, TokenService tokens) {
    if (!config.plainWebSockets()) {
      return Optional.empty();
    }
    Map<String, WebSocketEndpoint> endpoints = new LinkedHashMap<>();
    endpoints.put(
        "ws",
        new MessageStreamEndpoint(
            engine, tokens, connectionCap, followers, config.crisisResources(), Clock.systemUTC()));
    endpoints.put(
        "ws_chat", new ChatEndpoint(engine, tokens, connectionCap, followers, Clock.systemUTC()));
    endpoints.put(
        "voice", new RealtimeEndpoint(engine, tokens, connectionCap, config, Clock.systemUTC()));
    WebSocketRouter router =
        new WebSocketRouter(
            List.copyOf(endpoints.values()), new OriginPolicy(config.allowedOrigins()));
    // The metrics' transport names for the plain WebSockets' connections.
    endpoints.forEach(
        (transport, endpoint) ->
            metrics.connections(transport, () -> router.connections(endpoint)));
    return Optional.of(router);
  }

  private static HttpRoutes httpRoutes(
      ServerConfig config, TokenService tokens, ServerMetrics metrics, Readiness readiness) {
    return new HttpRoutes(
        config.allowedOrigins(),
        tokens,
        TokenPolicy.forDeployment(config.isProduction(), config.adminKey()),
        Clock.systemUTC(),
        new MetricsRoute(metrics::scrape, config.metricsToken()),
        readiness);
  }

  /**
   * {@return what the server needs besides not shutting down: its session store, and the cluster's
   * Redis if it is in one}
   */
  private static List<Readiness.Check> readinessChecks(
      SessionStore store, Optional<RedisCluster> cluster) {
    List<Readiness.Check> checks = new ArrayList<>();
    checks.add(
        new Readiness.Check(
            "store",
            () ->
                store
                    .health()
                    .thenApply(
                        health ->
                            health instanceof StoreHealth.Unhealthy unhealthy
                                ? Optional.of(unhealthy.reason())
                                : Optional.empty())));
    cluster.ifPresent(
        redis ->
            checks.add(
                new Readiness.Check(
                    "redis",
                    () ->
                        redis
                            .answersPing(REDIS_PING_TIMEOUT)
                            .thenApply(
                                answered ->
                                    answered
                                        ? Optional.empty()
                                        : Optional.of(
                                            "Redis did not answer PING within "
                                                + REDIS_PING_TIMEOUT.toMillis()
                                                + " ms")))));
    return checks;
  }
}
