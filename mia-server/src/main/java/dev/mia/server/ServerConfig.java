package dev.mia.server;

import dev.mia.core.safety.CrisisResource;
import dev.mia.core.safety.CrisisResources;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's settings, read once from the environment and checked: a bad value stops the start
 * with a message naming the variable and the accepted form. Immutable. Defaults give a working
 * development server with no variables at all (offline model, in-memory sessions, random JWT
 * secret).
 */
public final class ServerConfig {
  /** Where the server runs: decides the token-endpoint and JWT-secret policies. */
  public enum Environment {
    DEVELOPMENT,
    PRODUCTION,
    TEST
  }

  private final Environment environment;
  private final String host;
  private final int port;
  private final Optional<String> openAiApiKey;
  private final Optional<String> openAiBaseUrl;
  private final String openAiModel;
  private final int openAiMaxRetries;
  private final Optional<String> jwtSecret;
  private final List<String> allowedOrigins;
  private final String logLevel;
  private final boolean requireAuth;
  private final Optional<String> adminKey;
  private final int maxMessageChars;
  private final int historyLimit;
  private final Duration sessionTtl;
  private final long maxSessions;
  private final Duration modelIdleTimeout;
  private final int rateLimitBurst;
  private final int rateLimitPerMinute;
  private final int maxConnectionsPerUser;
  private final int maxQueuedMessages;
  private final Duration shutdownGrace;
  private final Optional<Path> promptsFile;
  private final List<CrisisResource> crisisResources;
  private final int workerThreads;
  private final ModelClient modelClient;
  private final boolean moderation;

  /** Which client talks to the model endpoint. */
  public enum ModelClient {
    /** The streaming client on Netty, reading events on its I/O threads: the default. */
    NETTY,
    /** The lean streaming client on the JDK's non-blocking HTTP client. */
    HTTP,
    /** The official openai-java SDK. */
    OPENAI_JAVA
  }

  private ServerConfig(Builder b) {
    this.environment = b.environment;
    this.host = b.host;
    this.port = b.port;
    this.openAiApiKey = b.openAiApiKey;
    this.openAiBaseUrl = b.openAiBaseUrl;
    this.openAiModel = b.openAiModel;
    this.openAiMaxRetries = b.openAiMaxRetries;
    this.jwtSecret = b.jwtSecret;
    this.allowedOrigins = List.copyOf(b.allowedOrigins);
    this.logLevel = b.logLevel;
    this.requireAuth = b.requireAuth;
    this.adminKey = b.adminKey;
    this.maxMessageChars = b.maxMessageChars;
    this.historyLimit = b.historyLimit;
    this.sessionTtl = b.sessionTtl;
    this.maxSessions = b.maxSessions;
    this.modelIdleTimeout = b.modelIdleTimeout;
    this.rateLimitBurst = b.rateLimitBurst;
    this.rateLimitPerMinute = b.rateLimitPerMinute;
    this.maxConnectionsPerUser = b.maxConnectionsPerUser;
    this.maxQueuedMessages = b.maxQueuedMessages;
    this.shutdownGrace = b.shutdownGrace;
    this.promptsFile = b.promptsFile;
    this.crisisResources = List.copyOf(b.crisisResources);
    this.workerThreads = b.workerThreads;
    this.modelClient = b.modelClient;
    this.moderation = b.moderation;
  }

  /** {@return a builder with every default} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration's values} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.environment = environment;
    b.host = host;
    b.port = port;
    b.openAiApiKey = openAiApiKey;
    b.openAiBaseUrl = openAiBaseUrl;
    b.openAiModel = openAiModel;
    b.openAiMaxRetries = openAiMaxRetries;
    b.jwtSecret = jwtSecret;
    b.allowedOrigins = new ArrayList<>(allowedOrigins);
    b.logLevel = logLevel;
    b.requireAuth = requireAuth;
    b.adminKey = adminKey;
    b.maxMessageChars = maxMessageChars;
    b.historyLimit = historyLimit;
    b.sessionTtl = sessionTtl;
    b.maxSessions = maxSessions;
    b.modelIdleTimeout = modelIdleTimeout;
    b.rateLimitBurst = rateLimitBurst;
    b.rateLimitPerMinute = rateLimitPerMinute;
    b.maxConnectionsPerUser = maxConnectionsPerUser;
    b.maxQueuedMessages = maxQueuedMessages;
    b.shutdownGrace = shutdownGrace;
    b.promptsFile = promptsFile;
    b.crisisResources = crisisResources;
    b.workerThreads = workerThreads;
    b.modelClient = modelClient;
    b.moderation = moderation;
    return b;
  }

  /**
   * {@return the configuration the variables describe}
   *
   * @throws ConfigException naming the first variable with a bad value
   */
  public static ServerConfig fromEnvironment(Map<String, String> env) {
    Objects.requireNonNull(env, "env == null");
    Reader r = new Reader(env);
    Builder b = builder();
    b.environment = r.environment();
    r.text("HOST").ifPresent(v -> b.host = v);
    r.integer("PORT", 0, 65535).ifPresent(v -> b.port = v);
    b.openAiApiKey = r.text("OPENAI_API_KEY");
    b.openAiBaseUrl = r.url("OPENAI_BASE_URL");
    r.text("OPENAI_MODEL").ifPresent(v -> b.openAiModel = v);
    r.integer("MIA_OPENAI_MAX_RETRIES", 0, 10).ifPresent(v -> b.openAiMaxRetries = v);
    b.jwtSecret = r.text("JWT_SECRET");
    if (b.jwtSecret.isPresent()
        && b.jwtSecret.get().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException(
          "JWT_SECRET must be at least 32 bytes (HS256 needs a 256-bit key); generate one with"
              + " `openssl rand -base64 48`");
    }
    if (b.jwtSecret.isEmpty() && b.environment == Environment.PRODUCTION) {
      throw new ConfigException(
          "JWT_SECRET is required in production (MIA_ENV or NODE_ENV=production): set it to a"
              + " random string of at least 32 bytes");
    }
    r.origins("ALLOWED_ORIGINS").ifPresent(v -> b.allowedOrigins = v);
    r.logLevel("LOG_LEVEL").ifPresent(v -> b.logLevel = v);
    r.bool("MIA_REQUIRE_AUTH").ifPresent(v -> b.requireAuth = v);
    b.adminKey = r.text("MIA_ADMIN_KEY");
    if (b.adminKey.isPresent() && b.adminKey.get().length() < 16) {
      throw new ConfigException("MIA_ADMIN_KEY must be at least 16 characters");
    }
    r.integer("MIA_MAX_MESSAGE_CHARS", 1, 1_000_000).ifPresent(v -> b.maxMessageChars = v);
    r.integer("MIA_HISTORY_LIMIT", 0, 10_000).ifPresent(v -> b.historyLimit = v);
    r.duration("MIA_SESSION_TTL").ifPresent(v -> b.sessionTtl = v);
    r.integer("MIA_MAX_SESSIONS", 1, Integer.MAX_VALUE).ifPresent(v -> b.maxSessions = v);
    r.duration("MIA_MODEL_IDLE_TIMEOUT").ifPresent(v -> b.modelIdleTimeout = v);
    r.integer("MIA_RATE_LIMIT_BURST", 1, 1_000_000).ifPresent(v -> b.rateLimitBurst = v);
    r.integer("MIA_RATE_LIMIT_PER_MINUTE", 1, 1_000_000).ifPresent(v -> b.rateLimitPerMinute = v);
    r.integer("MIA_MAX_CONNECTIONS_PER_USER", 1, 1_000_000)
        .ifPresent(v -> b.maxConnectionsPerUser = v);
    r.integer("MIA_MAX_QUEUED_MESSAGES", 0, 1000).ifPresent(v -> b.maxQueuedMessages = v);
    r.duration("MIA_SHUTDOWN_GRACE").ifPresent(v -> b.shutdownGrace = v);
    r.integer("MIA_WORKER_THREADS", 0, 256).ifPresent(v -> b.workerThreads = v);
    r.text("MIA_MODEL_CLIENT")
        .ifPresent(
            v ->
                b.modelClient =
                    switch (v.toLowerCase(Locale.ROOT)) {
                      case "netty" -> ModelClient.NETTY;
                      case "http" -> ModelClient.HTTP;
                      case "openai-java" -> ModelClient.OPENAI_JAVA;
                      default ->
                          throw new ConfigException(
                              "MIA_MODEL_CLIENT must be netty, http or openai-java; was '"
                                  + v
                                  + "'");
                    });
    r.bool("MIA_MODERATION").ifPresent(v -> b.moderation = v);
    if (b.moderation && b.openAiApiKey.isEmpty()) {
      throw new ConfigException(
          "MIA_MODERATION=true needs OPENAI_API_KEY: the moderation endpoint is OpenAI's");
    }
    Optional<String> prompts = r.text("MIA_PROMPTS_FILE");
    if (prompts.isPresent()) {
      Path path = Path.of(prompts.get());
      if (!Files.isReadable(path)) {
        throw new ConfigException("MIA_PROMPTS_FILE names a file that cannot be read: " + path);
      }
      b.promptsFile = Optional.of(path);
    }
    Optional<String> resources = r.text("MIA_CRISIS_RESOURCES_FILE");
    if (resources.isPresent()) {
      b.crisisResources = CrisisResourcesFile.read(Path.of(resources.get()));
    }
    return b.build();
  }

  public Environment environment() {
    return environment;
  }

  /** {@return whether this is a production deployment} */
  public boolean isProduction() {
    return environment == Environment.PRODUCTION;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public Optional<String> openAiApiKey() {
    return openAiApiKey;
  }

  public Optional<String> openAiBaseUrl() {
    return openAiBaseUrl;
  }

  public String openAiModel() {
    return openAiModel;
  }

  public int openAiMaxRetries() {
    return openAiMaxRetries;
  }

  public Optional<String> jwtSecret() {
    return jwtSecret;
  }

  public List<String> allowedOrigins() {
    return allowedOrigins;
  }

  public String logLevel() {
    return logLevel;
  }

  public boolean requireAuth() {
    return requireAuth;
  }

  public Optional<String> adminKey() {
    return adminKey;
  }

  public int maxMessageChars() {
    return maxMessageChars;
  }

  public int historyLimit() {
    return historyLimit;
  }

  public Duration sessionTtl() {
    return sessionTtl;
  }

  public long maxSessions() {
    return maxSessions;
  }

  public Duration modelIdleTimeout() {
    return modelIdleTimeout;
  }

  public int rateLimitBurst() {
    return rateLimitBurst;
  }

  public int rateLimitPerMinute() {
    return rateLimitPerMinute;
  }

  public int maxConnectionsPerUser() {
    return maxConnectionsPerUser;
  }

  public int maxQueuedMessages() {
    return maxQueuedMessages;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public Optional<Path> promptsFile() {
    return promptsFile;
  }

  /** {@return the crisis resources sent with every safety alert} */
  public List<CrisisResource> crisisResources() {
    return crisisResources;
  }

  /** {@return whether the OpenAI moderation endpoint gives a second safety opinion} */
  public boolean moderation() {
    return moderation;
  }

  public ModelClient modelClient() {
    return modelClient;
  }

  /** {@return Netty I/O threads; 0 means Netty's default (twice the cores)} */
  public int workerThreads() {
    return workerThreads;
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
        + "]";
  }

  /** Assembles a {@link ServerConfig}; used by tests and embedding code. */
  public static final class Builder {
    private Environment environment = Environment.DEVELOPMENT;
    private String host = "0.0.0.0";
    private int port = 3001;
    private Optional<String> openAiApiKey = Optional.empty();
    private Optional<String> openAiBaseUrl = Optional.empty();
    private String openAiModel = "gpt-4o";
    private int openAiMaxRetries = 2;
    private Optional<String> jwtSecret = Optional.empty();
    private List<String> allowedOrigins = List.of("http://localhost:3000");
    private String logLevel = "info";
    private boolean requireAuth;
    private Optional<String> adminKey = Optional.empty();
    private int maxMessageChars = 4000;
    private int historyLimit = 40;
    private Duration sessionTtl = Duration.ofHours(24);
    private long maxSessions = 100_000;
    private Duration modelIdleTimeout = Duration.ofSeconds(30);
    private int rateLimitBurst = 10;
    private int rateLimitPerMinute = 30;
    private int maxConnectionsPerUser = 10;
    private int maxQueuedMessages = 3;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private Optional<Path> promptsFile = Optional.empty();
    private List<CrisisResource> crisisResources = CrisisResources.unitedStates();
    private int workerThreads;
    private ModelClient modelClient = ModelClient.NETTY;
    private boolean moderation;

    private Builder() {}

    public Builder moderation(boolean moderation) {
      this.moderation = moderation;
      return this;
    }

    public Builder modelClient(ModelClient modelClient) {
      this.modelClient = Objects.requireNonNull(modelClient, "modelClient == null");
      return this;
    }

    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment == null");
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host == null");
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder openAi(String apiKey, String baseUrl) {
      this.openAiApiKey = Optional.of(apiKey);
      this.openAiBaseUrl = Optional.of(baseUrl);
      return this;
    }

    public Builder openAiMaxRetries(int retries) {
      this.openAiMaxRetries = retries;
      return this;
    }

    public Builder jwtSecret(String secret) {
      this.jwtSecret = Optional.of(secret);
      return this;
    }

    public Builder allowedOrigins(List<String> origins) {
      this.allowedOrigins = List.copyOf(origins);
      return this;
    }

    public Builder requireAuth(boolean requireAuth) {
      this.requireAuth = requireAuth;
      return this;
    }

    public Builder adminKey(String adminKey) {
      this.adminKey = Optional.of(adminKey);
      return this;
    }

    public Builder maxMessageChars(int maxMessageChars) {
      this.maxMessageChars = maxMessageChars;
      return this;
    }

    public Builder historyLimit(int historyLimit) {
      this.historyLimit = historyLimit;
      return this;
    }

    public Builder sessionTtl(Duration sessionTtl) {
      this.sessionTtl = sessionTtl;
      return this;
    }

    public Builder maxSessions(long maxSessions) {
      this.maxSessions = maxSessions;
      return this;
    }

    public Builder modelIdleTimeout(Duration timeout) {
      this.modelIdleTimeout = timeout;
      return this;
    }

    public Builder rateLimit(int burst, int perMinute) {
      this.rateLimitBurst = burst;
      this.rateLimitPerMinute = perMinute;
      return this;
    }

    public Builder maxConnectionsPerUser(int max) {
      this.maxConnectionsPerUser = max;
      return this;
    }

    public Builder maxQueuedMessages(int max) {
      this.maxQueuedMessages = max;
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = grace;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(this);
    }
  }

  /** Reads and checks single variables; blank counts as unset. */
  private static final class Reader {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final List<String> LEVELS =
        List.of("silent", "error", "warn", "info", "http", "verbose", "debug", "silly", "trace");

    private final Map<String, String> env;

    Reader(Map<String, String> env) {
      this.env = env;
    }

    Optional<String> text(String name) {
      String value = env.get(name);
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    Environment environment() {
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

    Optional<Integer> integer(String name, int min, int max) {
      Optional<String> value = text(name);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      try {
        int parsed = Integer.parseInt(value.get());
        if (parsed < min || parsed > max) {
          throw new NumberFormatException();
        }
        return Optional.of(parsed);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            name
                + " must be a whole number from "
                + min
                + " to "
                + max
                + "; was '"
                + value.get()
                + "'");
      }
    }

    Optional<Boolean> bool(String name) {
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

    Optional<Duration> duration(String name) {
      Optional<String> value = text(name);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      Matcher m = DURATION.matcher(value.get());
      if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
        throw new ConfigException(
            name
                + " must be a positive duration such as 500ms, 30s, 15m, 24h or 7d; was '"
                + value.get()
                + "'");
      }
      long amount = Long.parseLong(m.group(1));
      return Optional.of(
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          });
    }

    Optional<String> url(String name) {
      Optional<String> value = text(name);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      try {
        URI uri = new URI(value.get());
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new URISyntaxException(value.get(), "not an http(s) URL");
        }
        return value;
      } catch (URISyntaxException e) {
        throw new ConfigException(
            name
                + " must be an http(s) URL such as https://api.openai.com/v1; was '"
                + value.get()
                + "'");
      }
    }

    Optional<List<String>> origins(String name) {
      Optional<String> value = text(name);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      List<String> origins = new ArrayList<>();
      for (String part : value.get().split(",")) {
        String origin = part.trim();
        if (origin.isEmpty()) {
          continue;
        }
        if (!origin.equals("*") && !OriginPolicy.isOrigin(origin)) {
          throw new ConfigException(
              name
                  + " must be a comma-separated list of origins such as"
                  + " https://app.example.org,http://localhost:3000 (or *); '"
                  + origin
                  + "' is not an origin");
        }
        origins.add(OriginPolicy.normalize(origin));
      }
      return Optional.of(origins);
    }

    Optional<String> logLevel(String name) {
      Optional<String> value = text(name).map(v -> v.toLowerCase(Locale.ROOT));
      if (value.isPresent() && !LEVELS.contains(value.get())) {
        throw new ConfigException(
            name + " must be one of " + LEVELS + "; was '" + value.get() + "'");
      }
      return value;
    }
  }
}
