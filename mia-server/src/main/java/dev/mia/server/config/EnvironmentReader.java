package dev.mia.server.config;

import dev.mia.server.config.ServerConfig.Environment;
import dev.mia.server.config.ServerConfig.ModelClient;
import dev.mia.server.config.ServerConfig.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link ServerConfig} from environment variables: turns each set variable into a typed
 * value (a malformed one is refused here, naming the variable and the accepted form) and leaves the
 * range and consistency checks to {@link ServerConfig}'s constructor. A blank variable counts as
 * unset.
 */
final class EnvironmentReader {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private final Map<String, String> env;

  EnvironmentReader(Map<String, String> env) {
    this.env = Objects.requireNonNull(env, "env == null");
  }

  ServerConfig read() {
    ServerConfigBuilder b = ServerConfig.builder().environment(environment());
    text("HOST").ifPresent(b::host);
    integer(ServerConfig.PORT).ifPresent(b::port);
    b.openAiApiKey(text("OPENAI_API_KEY"));
    b.openAiBaseUrl(text("OPENAI_BASE_URL"));
    text("OPENAI_MODEL").ifPresent(b::openAiModel);
    integer(ServerConfig.OPENAI_MAX_RETRIES).ifPresent(b::openAiMaxRetries);
    text("MIA_MODEL_CLIENT").map(EnvironmentReader::modelClient).ifPresent(b::modelClient);
    bool("MIA_MODERATION").ifPresent(b::moderation);
    bool("MIA_SAFETY_MODEL").ifPresent(b::safetyModel);
    duration("MIA_SAFETY_MODEL_WAIT").ifPresent(b::safetyModelWait);
    number("MIA_SAFETY_MODEL_SHARE", "from 0.01 to 1").ifPresent(b::safetyModelShare);
    b.jwtSecret(text("JWT_SECRET"));
    text("ALLOWED_ORIGINS").map(EnvironmentReader::origins).ifPresent(b::allowedOrigins);
    text("LOG_LEVEL").ifPresent(b::logLevel);
    bool("MIA_REQUIRE_AUTH").ifPresent(b::requireAuth);
    b.adminKey(text("MIA_ADMIN_KEY"));
    integer(ServerConfig.MAX_MESSAGE_CHARS).ifPresent(b::maxMessageChars);
    integer(ServerConfig.HISTORY_LIMIT).ifPresent(b::historyLimit);
    duration("MIA_SESSION_TTL").ifPresent(b::sessionTtl);
    integer(ServerConfig.MAX_SESSIONS).ifPresent(b::maxSessions);
    duration("MIA_MODEL_IDLE_TIMEOUT").ifPresent(b::modelIdleTimeout);
    integer(ServerConfig.RATE_LIMIT_BURST).ifPresent(b::rateLimitBurst);
    integer(ServerConfig.RATE_LIMIT_PER_MINUTE).ifPresent(b::rateLimitPerMinute);
    integer(ServerConfig.MAX_CONNECTIONS_PER_USER).ifPresent(b::maxConnectionsPerUser);
    integer(ServerConfig.MAX_QUEUED_MESSAGES).ifPresent(b::maxQueuedMessages);
    duration("MIA_SHUTDOWN_GRACE").ifPresent(b::shutdownGrace);
    integer(ServerConfig.WORKER_THREADS).ifPresent(b::workerThreads);
    b.metricsToken(text("MIA_METRICS_TOKEN"));
    integer(ServerConfig.MAX_ACTIVE_MESSAGES).ifPresent(b::maxActiveMessages);
    Optional<String> databaseUrl = text("MIA_DATABASE_URL");
    b.databaseUrl(databaseUrl);
    b.store(
        text("MIA_STORE")
            .map(EnvironmentReader::store)
            .orElse(databaseUrl.isPresent() ? Store.DATABASE : Store.EMBEDDED));
    text("MIA_DATA_DIR").map(Path::of).ifPresent(b::dataDir);
    b.databaseUser(text("MIA_DATABASE_USER"));
    b.databasePassword(text("MIA_DATABASE_PASSWORD"));
    bool("ENABLE_WEBSOCKET").ifPresent(b::plainWebSockets);
    b.promptsFile(text("MIA_PROMPTS_FILE").map(EnvironmentReader::readableFile));
    text("MIA_CRISIS_RESOURCES_FILE")
        .map(file -> CrisisResourcesFile.read(Path.of(file)))
        .ifPresent(b::crisisResources);
    b.redis(text("MIA_REDIS_URL").map(RedisAddress::parse));
    text("MIA_REDIS_KEY_PREFIX").ifPresent(b::redisKeyPrefix);
    duration("MIA_CLUSTER_LEASE").ifPresent(b::clusterLease);
    b.realtime(realtime());
    return b.build();
  }

  /** The voice endpoint's variables; their ranges are {@link RealtimeConfig}'s to check. */
  private RealtimeConfig realtime() {
    RealtimeConfigBuilder r = RealtimeConfig.builder();
    text("OPENAI_REALTIME_MODEL").ifPresent(r::model);
    text("MIA_REALTIME_VOICE").ifPresent(r::voice);
    text("MIA_REALTIME_AUDIO_FORMAT").ifPresent(r::audioFormat);
    text("MIA_REALTIME_TRANSCRIPTION_MODEL").ifPresent(r::transcriptionModel);
    number("MIA_REALTIME_TEMPERATURE", "from 0.6 to 1.2").ifPresent(r::temperature);
    integer(RealtimeConfig.MAX_TOKENS).ifPresent(r::maxResponseTokens);
    duration("MIA_REALTIME_VAD_SILENCE").ifPresent(r::vadSilence);
    duration("MIA_REALTIME_CONNECT_TIMEOUT").ifPresent(r::connectTimeout);
    integer(RealtimeConfig.MAX_AUDIO_BYTES).ifPresent(r::maxAudioBytes);
    integer(RealtimeConfig.MAX_BUFFERED_BYTES).ifPresent(r::maxBufferedBytes);
    return r.build();
  }

  private Optional<String> text(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private Environment environment() {
    Optional<String> mia = text("MIA_ENV");
    String name = mia.isPresent() ? "MIA_ENV" : "NODE_ENV";
    Optional<String> value = mia.isPresent() ? mia : text("NODE_ENV");
    if (value.isEmpty()) {
      return Environment.DEVELOPMENT;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "production", "prod" -> Environment.PRODUCTION;
      case "development", "dev" -> Environment.DEVELOPMENT;
      case "test" -> Environment.TEST;
      default ->
          throw new ConfigException(
              name + " must be one of production, development, test; was '" + value.get() + "'");
    };
  }

  private Optional<Integer> integer(WholeNumber accepted) {
    return text(accepted.variable())
        .map(
            v -> {
              try {
                return Integer.parseInt(v);
              } catch (NumberFormatException e) {
                throw accepted.refusal(v);
              }
            });
  }

  /** The range is checked where the value is used; here only that it is a number. */
  private Optional<Double> number(String name, String range) {
    return text(name)
        .map(
            v -> {
              try {
                return Double.parseDouble(v);
              } catch (NumberFormatException e) {
                throw new ConfigException(
                    name + " must be a number " + range + "; was '" + v + "'");
              }
            });
  }

  private Optional<Boolean> bool(String name) {
    return text(name)
        .map(
            v ->
                switch (v.toLowerCase(Locale.ROOT)) {
                  case "true", "1", "yes", "on" -> true;
                  case "false", "0", "no", "off" -> false;
                  default ->
                      throw new ConfigException(name + " must be true or false; was '" + v + "'");
                });
  }

  private Optional<Duration> duration(String name) {
    return text(name)
        .map(
            v -> {
              Matcher m = DURATION.matcher(v);
              if (!m.matches()) {
                throw new ConfigException(
                    name
                        + " must be a positive duration such as 500ms, 30s, 15m, 24h or 7d; was '"
                        + v
                        + "'");
              }
              long amount = Long.parseLong(m.group(1));
              return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
              };
            });
  }

  private static ModelClient modelClient(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "netty" -> ModelClient.NETTY;
      case "http" -> ModelClient.HTTP;
      case "openai-java" -> ModelClient.OPENAI_JAVA;
      default ->
          throw new ConfigException(
              "MIA_MODEL_CLIENT must be netty, http or openai-java; was '" + value + "'");
    };
  }

  private static Store store(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "embedded" -> Store.EMBEDDED;
      case "memory" -> Store.MEMORY;
      case "database" -> Store.DATABASE;
      default ->
          throw new ConfigException(
              "MIA_STORE must be embedded, memory or database; was '" + value + "'");
    };
  }

  private static List<String> origins(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
  }

  private static Path readableFile(String value) {
    Path path = Path.of(value);
    if (!Files.isReadable(path)) {
      throw new ConfigException("MIA_PROMPTS_FILE names a file that cannot be read: " + path);
    }
    return path;
  }
}
