package dev.mia.server.config;

import dev.mia.core.safety.CrisisResource;
import dev.mia.core.safety.CrisisResources;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's settings: an immutable value whose constructor checks every field, so that neither
 * the {@linkplain #fromEnvironment environment reader} nor a {@linkplain #builder() builder} can
 * make an invalid one (the builder is generated from the record and calls its constructor). A
 * failed check throws {@link ConfigException} naming the environment variable that sets the field
 * and the accepted form. The builder's defaults give a working development server with no variables
 * at all (offline model, in-memory sessions, random JWT secret). {@link #toString()} shows whether
 * a secret is set, never the secret.
 *
 * @param environment where the server runs: decides the token-endpoint and JWT-secret policies
 * @param host the address to listen on ({@code HOST})
 * @param port the port to listen on, 0 for any free one ({@code PORT})
 * @param openAiApiKey the model API key; empty means the offline responder ({@code OPENAI_API_KEY})
 * @param openAiBaseUrl an OpenAI-compatible endpoint; empty means OpenAI's ({@code
 *     OPENAI_BASE_URL})
 * @param openAiModel the model name ({@code OPENAI_MODEL})
 * @param openAiMaxRetries retries of a model request that failed before its first byte
 * @param modelClient which client streams from the model ({@code MIA_MODEL_CLIENT})
 * @param moderation whether OpenAI's moderation endpoint gives a second safety opinion
 * @param safetyModel whether the local sentence-embedding model gives a second safety opinion
 *     beside the rules ({@code MIA_SAFETY_MODEL}, on unless {@code off})
 * @param safetyModelWait how long a message may wait for the safety model's thread before it goes
 *     on with the rules' tier alone ({@code MIA_SAFETY_MODEL_WAIT})
 * @param safetyModelShare the share of one core the safety model may take; past it a message goes
 *     on with the rules' tier alone ({@code MIA_SAFETY_MODEL_SHARE}, 0.01 to 1)
 * @param jwtSecret the HS256 secret; empty means a random one per process (development only)
 * @param allowedOrigins browser origins allowed besides the server's own, normalised; {@code *} for
 *     any
 * @param logLevel the log level as the original names it ({@code LOG_LEVEL})
 * @param requireAuth whether connections without a valid token are refused
 * @param adminKey the operator key for {@code POST /api/auth/token} in production
 * @param maxMessageChars the longest message accepted
 * @param historyLimit earlier messages sent to the model with a new one
 * @param sessionTtl idle time after which a session is forgotten
 * @param maxSessions sessions held at once
 * @param modelIdleTimeout how long the model may stay silent before a reply fails
 * @param rateLimitBurst messages a user may send back to back
 * @param rateLimitPerMinute messages per minute refilled after a burst
 * @param maxConnectionsPerUser open connections per user
 * @param maxQueuedMessages messages that may wait while a reply streams
 * @param shutdownGrace how long replies in flight may finish on a graceful stop
 * @param promptsFile a properties file replacing the built-in system prompts
 * @param crisisResources the resources sent with every safety alert, at least one
 * @param workerThreads Netty I/O threads; 0 means one per core
 * @param metricsToken the bearer token {@code /metrics} asks for; empty means it is open
 * @param maxActiveMessages messages in progress at once, server-wide, before new ones get {@code
 *     BUSY} with a suggested wait
 * @param store where sessions live ({@code MIA_STORE}; a database URL implies {@link
 *     Store#DATABASE})
 * @param dataDir the folder of the embedded database ({@code MIA_DATA_DIR})
 * @param databaseUrl the JDBC URL of a shared database ({@code MIA_DATABASE_URL})
 * @param databaseUser the database user, unless the URL says it ({@code MIA_DATABASE_USER})
 * @param databasePassword the user's password ({@code MIA_DATABASE_PASSWORD}); never shown
 * @param plainWebSockets whether the plain-WebSocket endpoints {@code /ws} and {@code /ws/chat} are
 *     served ({@code ENABLE_WEBSOCKET})
 * @param redis the Redis that the servers of a cluster share; empty means a server alone ({@code
 *     MIA_REDIS_URL})
 * @param redisKeyPrefix what every key and channel of this deployment starts with in Redis ({@code
 *     MIA_REDIS_KEY_PREFIX})
 * @param clusterLease how long a server that stopped answering keeps its session locks and
 *     connection places in Redis ({@code MIA_CLUSTER_LEASE})
 * @param realtime the voice endpoint's Realtime API settings and client limits ({@code
 *     OPENAI_REALTIME_MODEL}, {@code MIA_REALTIME_*}, {@code MIA_VOICE_*})
 */
@RecordBuilder
@RecordBuilder.Options(
    addConcreteSettersForOptional = RecordBuilder.ConcreteSettersForOptionalMode.ENABLED,
    enableWither = false)
public record ServerConfig(
    Environment environment,
    String host,
    int port,
    Optional<String> openAiApiKey,
    Optional<String> openAiBaseUrl,
    String openAiModel,
    int openAiMaxRetries,
    ModelClient modelClient,
    boolean moderation,
    boolean safetyModel,
    Duration safetyModelWait,
    double safetyModelShare,
    Optional<String> jwtSecret,
    List<String> allowedOrigins,
    String logLevel,
    boolean requireAuth,
    Optional<String> adminKey,
    int maxMessageChars,
    int historyLimit,
    Duration sessionTtl,
    long maxSessions,
    Duration modelIdleTimeout,
    int rateLimitBurst,
    int rateLimitPerMinute,
    int maxConnectionsPerUser,
    int maxQueuedMessages,
    Duration shutdownGrace,
    Optional<Path> promptsFile,
    List<CrisisResource> crisisResources,
    int workerThreads,
    Optional<String> metricsToken,
    int maxActiveMessages,
    Store store,
    Path dataDir,
    Optional<String> databaseUrl,
    Optional<String> databaseUser,
    Optional<String> databasePassword,
    boolean plainWebSockets,
    Optional<RedisAddress> redis,
    String redisKeyPrefix,
    Duration clusterLease,
    RealtimeConfig realtime) {

  /** The log levels {@code LOG_LEVEL} accepts: ours and Winston's. */
  public static final List<String> LOG_LEVELS =
      List.of("silent", "error", "warn", "info", "http", "verbose", "debug", "silly", "trace");

  /** The fewest characters of an operator key. */
  public static final int MIN_ADMIN_KEY_CHARS = 16;

  /** The shortest lease of a lock or a connection place in Redis. */
  public static final Duration MIN_CLUSTER_LEASE = Duration.ofMillis(300);

  /** The fewest bytes of a JWT secret: HS256 needs a 256-bit key. */
  public static final int MIN_JWT_SECRET_BYTES = 32;

  static final WholeNumber PORT = new WholeNumber("PORT", 0, 65535);
  static final WholeNumber OPENAI_MAX_RETRIES = new WholeNumber("MIA_OPENAI_MAX_RETRIES", 0, 10);
  static final WholeNumber MAX_MESSAGE_CHARS =
      new WholeNumber("MIA_MAX_MESSAGE_CHARS", 1, 1_000_000);
  static final WholeNumber HISTORY_LIMIT = new WholeNumber("MIA_HISTORY_LIMIT", 0, 10_000);
  static final WholeNumber MAX_SESSIONS = new WholeNumber("MIA_MAX_SESSIONS", 1, Integer.MAX_VALUE);
  static final WholeNumber RATE_LIMIT_BURST = new WholeNumber("MIA_RATE_LIMIT_BURST", 1, 1_000_000);
  static final WholeNumber RATE_LIMIT_PER_MINUTE =
      new WholeNumber("MIA_RATE_LIMIT_PER_MINUTE", 1, 1_000_000);
  static final WholeNumber MAX_CONNECTIONS_PER_USER =
      new WholeNumber("MIA_MAX_CONNECTIONS_PER_USER", 1, 1_000_000);
  static final WholeNumber MAX_QUEUED_MESSAGES =
      new WholeNumber("MIA_MAX_QUEUED_MESSAGES", 0, 1000);
  static final WholeNumber MAX_ACTIVE_MESSAGES =
      new WholeNumber("MIA_MAX_ACTIVE_MESSAGES", 1, 10_000_000);
  static final WholeNumber WORKER_THREADS = new WholeNumber("MIA_WORKER_THREADS", 0, 256);

  /** Where the server runs: decides the token-endpoint and JWT-secret policies. */
  public enum Environment {
    DEVELOPMENT,
    PRODUCTION,
    TEST
  }

  /** Where sessions live. */
  public enum Store {
    /** A SQLite file in {@code dataDir}: survives restarts, needs no setup. The default. */
    EMBEDDED,
    /** The process's memory: lost at exit; for tests and embedding. */
    MEMORY,
    /** The database at {@code databaseUrl} (PostgreSQL), shared by every node of a cluster. */
    DATABASE
  }

  /** Which client talks to the model endpoint. */
  public enum ModelClient {
    /** The streaming client on Netty, reading events on its I/O threads: the default. */
    NETTY,
    /** The lean streaming client on the JDK's non-blocking HTTP client. */
    HTTP,
    /** The official openai-java SDK. */
    OPENAI_JAVA
  }

  /**
   * Checks every field; the one place where a configuration is validated.
   *
   * @throws ConfigException naming the variable of the first field with a bad value
   * @throws NullPointerException if a field is null
   */
  public ServerConfig {
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(openAiApiKey, "openAiApiKey == null");
    Objects.requireNonNull(modelClient, "modelClient == null");
    Objects.requireNonNull(promptsFile, "promptsFile == null");
    Objects.requireNonNull(safetyModelWait, "safetyModelWait == null");
    requireText("HOST", host);
    PORT.check(port);
    openAiBaseUrl.ifPresent(ServerConfig::requireHttpUrl);
    requireText("OPENAI_MODEL", openAiModel);
    OPENAI_MAX_RETRIES.check(openAiMaxRetries);
    if (moderation && openAiApiKey.isEmpty()) {
      throw new ConfigException(
          "MIA_MODERATION=true needs OPENAI_API_KEY: the moderation endpoint is OpenAI's");
    }
    if (jwtSecret.isPresent()
        && jwtSecret.get().getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
      throw new ConfigException(
          "JWT_SECRET must be at least "
              + MIN_JWT_SECRET_BYTES
              + " bytes (HS256 needs a 256-bit key); generate one with `openssl rand -base64 48`");
    }
    if (jwtSecret.isEmpty() && environment == Environment.PRODUCTION) {
      throw new ConfigException(
          "JWT_SECRET is required in production (MIA_ENV or NODE_ENV=production): set it to a"
              + " random string of at least "
              + MIN_JWT_SECRET_BYTES
              + " bytes");
    }
    allowedOrigins = normalizedOrigins(allowedOrigins);
    logLevel = logLevel.toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new ConfigException(
          "LOG_LEVEL must be one of " + LOG_LEVELS + "; was '" + logLevel + "'");
    }
    if (adminKey.isPresent() && adminKey.get().length() < MIN_ADMIN_KEY_CHARS) {
      throw new ConfigException(
          "MIA_ADMIN_KEY must be at least " + MIN_ADMIN_KEY_CHARS + " characters");
    }
    MAX_MESSAGE_CHARS.check(maxMessageChars);
    HISTORY_LIMIT.check(historyLimit);
    requirePositive("MIA_SESSION_TTL", sessionTtl);
    MAX_SESSIONS.check(maxSessions);
    requirePositive("MIA_MODEL_IDLE_TIMEOUT", modelIdleTimeout);
    RATE_LIMIT_BURST.check(rateLimitBurst);
    RATE_LIMIT_PER_MINUTE.check(rateLimitPerMinute);
    MAX_CONNECTIONS_PER_USER.check(maxConnectionsPerUser);
    MAX_QUEUED_MESSAGES.check(maxQueuedMessages);
    requirePositive("MIA_SHUTDOWN_GRACE", shutdownGrace);
    if (safetyModelWait.compareTo(Duration.ofMillis(1)) < 0
        || safetyModelWait.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new ConfigException(
          "MIA_SAFETY_MODEL_WAIT must be from 1ms to 60s; was "
              + safetyModelWait.toMillis()
              + "ms");
    }
    if (!(safetyModelShare >= 0.01 && safetyModelShare <= 1)) {
      throw new ConfigException(
          "MIA_SAFETY_MODEL_SHARE must be a number from 0.01 to 1; was " + safetyModelShare);
    }
    crisisResources = List.copyOf(crisisResources);
    if (crisisResources.isEmpty()) {
      throw new ConfigException("MIA_CRISIS_RESOURCES_FILE must name at least one resource");
    }
    WORKER_THREADS.check(workerThreads);
    MAX_ACTIVE_MESSAGES.check(maxActiveMessages);
    Objects.requireNonNull(store, "store == null");
    Objects.requireNonNull(dataDir, "dataDir == null");
    Objects.requireNonNull(databaseUser, "databaseUser == null");
    Objects.requireNonNull(databasePassword, "databasePassword == null");
    if (store == Store.DATABASE) {
      if (databaseUrl.isEmpty()) {
        throw new ConfigException("MIA_STORE=database needs MIA_DATABASE_URL");
      }
      if (!databaseUrl.get().startsWith("jdbc:postgresql://")) {
        throw new ConfigException(
            "MIA_DATABASE_URL must be a PostgreSQL JDBC URL such as"
                + " jdbc:postgresql://db.example.org:5432/mia; was '"
                + databaseUrl.get().replaceAll("(?i)(password=)[^&;]*", "$1***")
                + "'");
      }
    } else if (databaseUrl.isPresent()) {
      throw new ConfigException(
          "MIA_DATABASE_URL is set but MIA_STORE is "
              + store.name().toLowerCase(Locale.ROOT)
              + ": leave MIA_STORE unset (or database) to use the database");
    }
    Objects.requireNonNull(metricsToken, "metricsToken == null");
    if (metricsToken.isPresent() && metricsToken.get().length() < MIN_ADMIN_KEY_CHARS) {
      throw new ConfigException(
          "MIA_METRICS_TOKEN must be at least " + MIN_ADMIN_KEY_CHARS + " characters");
    }
    Objects.requireNonNull(redis, "redis == null");
    if (redis.isPresent() && store == Store.EMBEDDED) {
      throw new ConfigException(
          "MIA_REDIS_URL makes this server one of a cluster, whose servers must share one"
              + " database: set MIA_DATABASE_URL (the embedded store is one server's own file)");
    }
    requireText("MIA_REDIS_KEY_PREFIX", redisKeyPrefix);
    requirePositive("MIA_CLUSTER_LEASE", clusterLease);
    if (clusterLease.compareTo(MIN_CLUSTER_LEASE) < 0) {
      throw new ConfigException(
          "MIA_CLUSTER_LEASE must be at least "
              + MIN_CLUSTER_LEASE.toMillis()
              + "ms (a lease is renewed every third of it); was "
              + clusterLease.toMillis()
              + "ms");
    }
    Objects.requireNonNull(realtime, "realtime == null");
  }

  /** The settings of a server started with no variables at all. */
  public static final ServerConfig DEFAULTS =
      ServerConfigBuilder.builder()
          .environment(Environment.DEVELOPMENT)
          .host("0.0.0.0")
          .port(3001)
          .openAiApiKey(Optional.empty())
          .openAiBaseUrl(Optional.empty())
          .openAiModel("gpt-4o")
          .openAiMaxRetries(2)
          .modelClient(ModelClient.NETTY)
          .moderation(false)
          .safetyModel(true)
          .safetyModelWait(Duration.ofMillis(100))
          .safetyModelShare(0.1)
          .jwtSecret(Optional.empty())
          .allowedOrigins(List.of("http://localhost:3000"))
          .logLevel("info")
          .requireAuth(false)
          .adminKey(Optional.empty())
          .maxMessageChars(4000)
          .historyLimit(40)
          .sessionTtl(Duration.ofHours(24))
          .maxSessions(100_000)
          .modelIdleTimeout(Duration.ofSeconds(30))
          .rateLimitBurst(10)
          .rateLimitPerMinute(30)
          .maxConnectionsPerUser(10)
          .maxQueuedMessages(3)
          .shutdownGrace(Duration.ofSeconds(10))
          .promptsFile(Optional.empty())
          .crisisResources(CrisisResources.unitedStates())
          .workerThreads(0)
          .metricsToken(Optional.empty())
          .maxActiveMessages(10_000)
          .store(Store.EMBEDDED)
          .dataDir(Path.of("data"))
          .databaseUrl(Optional.empty())
          .databaseUser(Optional.empty())
          .databasePassword(Optional.empty())
          .plainWebSockets(true)
          .redis(Optional.empty())
          .redisKeyPrefix("mia:")
          .clusterLease(Duration.ofSeconds(30))
          .realtime(RealtimeConfig.DEFAULTS)
          .build();

  /**
   * {@return a builder holding every {@linkplain #DEFAULTS default}} It is generated from this
   * record, and its {@code build()} runs this record's checks.
   */
  public static ServerConfigBuilder builder() {
    return ServerConfigBuilder.builder(DEFAULTS);
  }

  /**
   * {@return the configuration the variables describe}
   *
   * @throws ConfigException naming the first variable with a bad value
   */
  public static ServerConfig fromEnvironment(Map<String, String> env) {
    return new EnvironmentReader(env).read();
  }

  /** {@return a builder holding this configuration's values} */
  public ServerConfigBuilder toBuilder() {
    return ServerConfigBuilder.builder(this);
  }

  /** {@return whether this is a production deployment} */
  public boolean isProduction() {
    return environment == Environment.PRODUCTION;
  }

  /** Lists the settings; secrets show only whether they are set. */
  @Override
  public String toString() {
    return "ServerConfig[environment="
        + environment
        + ", host="
        + host
        + ", port="
        + port
        + ", model="
        + (openAiApiKey.isPresent() ? openAiModel : "offline")
        + ", modelClient="
        + modelClient
        + ", openAiBaseUrl="
        + openAiBaseUrl.orElse("default")
        + ", jwtSecret="
        + (jwtSecret.isPresent() ? "set" : "random")
        + ", allowedOrigins="
        + allowedOrigins
        + ", logLevel="
        + logLevel
        + ", moderation="
        + moderation
        + ", safetyModel="
        + safetyModel
        + ", safetyModelWait="
        + safetyModelWait
        + ", safetyModelShare="
        + safetyModelShare
        + ", requireAuth="
        + requireAuth
        + ", adminKey="
        + (adminKey.isPresent() ? "set" : "unset")
        + ", maxMessageChars="
        + maxMessageChars
        + ", historyLimit="
        + historyLimit
        + ", sessionTtl="
        + sessionTtl
        + ", maxSessions="
        + maxSessions
        + ", modelIdleTimeout="
        + modelIdleTimeout
        + ", rateLimit="
        + rateLimitBurst
        + " burst/"
        + rateLimitPerMinute
        + " per minute, maxConnectionsPerUser="
        + maxConnectionsPerUser
        + ", maxQueuedMessages="
        + maxQueuedMessages
        + ", shutdownGrace="
        + shutdownGrace
        + ", workerThreads="
        + (workerThreads == 0 ? "one per core" : workerThreads)
        + ", metricsToken="
        + (metricsToken.isPresent() ? "set" : "unset")
        + ", maxActiveMessages="
        + maxActiveMessages
        + ", store="
        + store
        + (store == Store.EMBEDDED ? ", dataDir=" + dataDir : "")
        + (store == Store.DATABASE
            ? ", databaseUrl="
                + databaseUrl.orElse("").replaceAll("(?i)(password=)[^&;]*", "$1***")
                + ", databasePassword="
                + (databasePassword.isPresent() ? "set" : "unset")
            : "")
        + ", redis="
        + redis.map(RedisAddress::toString).orElse("none")
        + (redis.isPresent()
            ? ", redisKeyPrefix=" + redisKeyPrefix + ", clusterLease=" + clusterLease
            : "")
        + ", realtime="
        + realtime
        + "]";
  }

  private static void requireText(String variable, String value) {
    Objects.requireNonNull(value, variable + " == null");
    if (value.isBlank()) {
      throw new ConfigException(variable + " must not be blank");
    }
  }

  private static void requirePositive(String variable, Duration value) {
    Objects.requireNonNull(value, variable + " == null");
    if (value.isZero() || value.isNegative()) {
      throw new ConfigException(
          variable
              + " must be a positive duration such as 500ms, 30s, 15m, 24h or 7d; was "
              + value);
    }
  }

  private static void requireHttpUrl(String value) {
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new ConfigException(
        "OPENAI_BASE_URL must be an http(s) URL such as https://api.openai.com/v1; was '"
            + value
            + "'");
  }

  private static List<String> normalizedOrigins(List<String> origins) {
    List<String> normalized = new ArrayList<>(origins.size());
    for (String origin : origins) {
      String candidate = origin.equals("*") ? origin : WebOrigin.normalize(origin);
      // "null" is the origin a browser sends for a page opened from a file.
      if (!candidate.equals("*")
          && !candidate.equals(WebOrigin.OPAQUE)
          && !WebOrigin.isOrigin(candidate)) {
        throw new ConfigException(
            "ALLOWED_ORIGINS must be a comma-separated list of origins such as"
                + " https://app.example.org,http://localhost:3000 (or *, or null for pages opened"
                + " from a file); '"
                + origin
                + "' is not an origin");
      }
      normalized.add(candidate);
    }
    return List.copyOf(normalized);
  }
}
