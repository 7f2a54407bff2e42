package dev.mia.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading and checking the environment. */
class ServerConfigTest {
  private static final String SECRET = "a-secret-of-more-than-thirty-two-bytes!!";
  private static final String SHARED_DATABASE = "jdbc:postgresql://db.internal:5432/mia";

  @Test
  void noVariablesGiveAWorkingDevelopmentServer() {
    ServerConfig config = ServerConfig.fromEnvironment(Map.of());

    assertEquals(3001, config.port());
    assertEquals(ServerConfig.Environment.DEVELOPMENT, config.environment());
    assertTrue(config.openAiApiKey().isEmpty());
    assertTrue(config.jwtSecret().isEmpty());
    assertEquals(List.of("http://localhost:3000"), config.allowedOrigins());
    assertEquals(4000, config.maxMessageChars());
    assertEquals(40, config.historyLimit());
    assertEquals(Duration.ofHours(24), config.sessionTtl());
    assertEquals(10, config.maxConnectionsPerUser());
    assertEquals(Duration.ofSeconds(30), config.modelIdleTimeout());
  }

  @Test
  void seedVariablesAreRead() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
            Map.of(
                "PORT", "4000",
                "OPENAI_API_KEY", "sk-test",
                "OPENAI_BASE_URL", "http://127.0.0.1:9/v1",
                "OPENAI_MODEL", "gpt-4o-mini",
                "JWT_SECRET", SECRET,
                "ALLOWED_ORIGINS", "https://app.example.org, http://localhost:3000/",
                "LOG_LEVEL", "debug"));

    assertEquals(4000, config.port());
    assertEquals(Optional.of("sk-test"), config.openAiApiKey());
    assertEquals(Optional.of("http://127.0.0.1:9/v1"), config.openAiBaseUrl());
    assertEquals("gpt-4o-mini", config.openAiModel());
    assertEquals(
        List.of("https://app.example.org", "http://localhost:3000"), config.allowedOrigins());
    assertEquals("debug", config.logLevel());
  }

  @Test
  void theSafetyModelIsOnUnlessTurnedOff() {
    assertTrue(ServerConfig.fromEnvironment(Map.of()).safetyModel());
    assertTrue(ServerConfig.fromEnvironment(Map.of("MIA_SAFETY_MODEL", "on")).safetyModel());
    assertFalse(ServerConfig.fromEnvironment(Map.of("MIA_SAFETY_MODEL", "off")).safetyModel());
  }

  @Test
  void aMessageWaitsAtMostATenthOfASecondForTheSafetyModelUnlessSetOtherwise() {
    assertEquals(Duration.ofMillis(100), ServerConfig.fromEnvironment(Map.of()).safetyModelWait());
    assertEquals(
        Duration.ofMillis(5),
        ServerConfig.fromEnvironment(Map.of("MIA_SAFETY_MODEL_WAIT", "5ms")).safetyModelWait());
  }

  @Test
  void aSafetyModelWaitOverAMinuteIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("MIA_SAFETY_MODEL_WAIT", "2m")));

    assertTrue(e.getMessage().startsWith("MIA_SAFETY_MODEL_WAIT"), e.getMessage());
  }

  @Test
  void theSafetyModelTakesATenthOfACoreUnlessSetOtherwise() {
    assertEquals(0.1, ServerConfig.fromEnvironment(Map.of()).safetyModelShare());
    assertEquals(
        0.5,
        ServerConfig.fromEnvironment(Map.of("MIA_SAFETY_MODEL_SHARE", "0.5")).safetyModelShare());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1.5", "half", "NaN", "-0.2"})
  void aSafetyModelShareOutsideAHundredthToOneIsRefused(String share) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("MIA_SAFETY_MODEL_SHARE", share)));

    assertTrue(e.getMessage().startsWith("MIA_SAFETY_MODEL_SHARE"), e.getMessage());
  }

  @Test
  void aSafetyModelSettingThatIsNeitherOnNorOffIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("MIA_SAFETY_MODEL", "maybe")));

    assertTrue(e.getMessage().startsWith("MIA_SAFETY_MODEL"), e.getMessage());
  }

  @Test
  void productionWithoutJwtSecretRefusesToStartNamingTheVariable() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("NODE_ENV", "production")));

    assertTrue(e.getMessage().startsWith("JWT_SECRET is required in production"), e.getMessage());
  }

  @Test
  void miaEnvWinsOverNodeEnv() {
    ServerConfig config =
        ServerConfig.fromEnvironment(Map.of("MIA_ENV", "development", "NODE_ENV", "production"));

    assertFalse(config.isProduction());
  }

  @Test
  void shortJwtSecretIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("JWT_SECRET", "change-this-secret")));

    assertTrue(e.getMessage().startsWith("JWT_SECRET must be at least 32 bytes"), e.getMessage());
  }

  @Test
  void portOutOfRangeIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of("PORT", "70000")));

    assertEquals("PORT must be a whole number from 0 to 65535; was '70000'", e.getMessage());
  }

  @Test
  void malformedBaseUrlIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("OPENAI_BASE_URL", "localhost:4010")));

    assertTrue(e.getMessage().startsWith("OPENAI_BASE_URL must be an http(s) URL"), e.getMessage());
  }

  @Test
  void theOpaqueOriginOfAPageOpenedFromAFileMayBeAllowed() {
    ServerConfig config =
        ServerConfig.fromEnvironment(Map.of("ALLOWED_ORIGINS", "http://localhost:3000,null"));

    assertEquals(List.of("http://localhost:3000", "null"), config.allowedOrigins());
  }

  @Test
  void originWithAPathIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("ALLOWED_ORIGINS", "https://a.example/app")));

    assertTrue(e.getMessage().contains("'https://a.example/app' is not an origin"), e.getMessage());
  }

  @Test
  void durationsAcceptUnits() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
            Map.of("MIA_SESSION_TTL", "2h", "MIA_MODEL_IDLE_TIMEOUT", "500ms"));

    assertEquals(Duration.ofHours(2), config.sessionTtl());
    assertEquals(Duration.ofMillis(500), config.modelIdleTimeout());
  }

  @Test
  void durationWithoutUnitIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("MIA_SESSION_TTL", "24")));

    assertTrue(
        e.getMessage().startsWith("MIA_SESSION_TTL must be a positive duration"), e.getMessage());
  }

  @Test
  void unknownLogLevelIsRefused() {
    assertThrows(
        ConfigException.class, () -> ServerConfig.fromEnvironment(Map.of("LOG_LEVEL", "loud")));
  }

  @Test
  void toStringHidesSecrets() {
    ServerConfig config =
        ServerConfig.fromEnvironment(Map.of("JWT_SECRET", SECRET, "OPENAI_API_KEY", "sk-secret"));

    assertFalse(config.toString().contains(SECRET));
    assertFalse(config.toString().contains("sk-secret"));
  }

  @Test
  void crisisResourcesDefaultToTheUnitedStatesLines() {
    ServerConfig config = ServerConfig.fromEnvironment(Map.of());

    assertTrue(config.crisisResources().toString().contains("988"));
    assertTrue(config.crisisResources().toString().contains("741741"));
  }

  @Test
  void crisisResourcesFileReplacesTheDefaults() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("resources", ".json");
    try {
      java.nio.file.Files.writeString(
          file,
          "[{\"name\":\"Samaritans\",\"contact\":\"Call 116 123\",\"description\":\"24/7\"}]");

      ServerConfig config =
          ServerConfig.fromEnvironment(Map.of("MIA_CRISIS_RESOURCES_FILE", file.toString()));

      assertEquals(1, config.crisisResources().size());
      assertEquals("Call 116 123", config.crisisResources().get(0).contact());
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void crisisResourcesFileWithoutContactsIsRefused() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("resources", ".json");
    try {
      java.nio.file.Files.writeString(file, "[{\"name\":\"x\"}]");

      ConfigException e =
          assertThrows(
              ConfigException.class,
              () ->
                  ServerConfig.fromEnvironment(
                      Map.of("MIA_CRISIS_RESOURCES_FILE", file.toString())));

      assertTrue(e.getMessage().startsWith("MIA_CRISIS_RESOURCES_FILE"), e.getMessage());
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void aBuilderCannotMakeAnInvalidConfiguration() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ServerConfig.builder().port(70000).build());

    assertEquals("PORT must be a whole number from 0 to 65535; was '70000'", e.getMessage());
  }

  @Test
  void aBuilderCannotLeaveProductionWithoutAJwtSecret() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.builder().environment(ServerConfig.Environment.PRODUCTION).build());

    assertTrue(e.getMessage().startsWith("JWT_SECRET is required in production"), e.getMessage());
  }

  @Test
  void aNumberThatIsNotANumberNamesTheVariableAndTheRange() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("MIA_MAX_QUEUED_MESSAGES", "three")));

    assertEquals(
        "MIA_MAX_QUEUED_MESSAGES must be a whole number from 0 to 1000; was 'three'",
        e.getMessage());
  }

  @Test
  void originsAreNormalizedWhoeverBuildsTheConfiguration() {
    ServerConfig config =
        ServerConfig.builder().allowedOrigins(List.of("HTTPS://App.Example.org/")).build();

    assertEquals(List.of("https://app.example.org"), config.allowedOrigins());
  }

  @Test
  void withoutARedisUrlTheServerIsAlone() {
    assertEquals(Optional.empty(), ServerConfig.fromEnvironment(Map.of()).redis());
  }

  @Test
  void aRedisUrlNamesHostPortPasswordAndDatabase() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
            Map.of(
                "MIA_REDIS_URL", "redis://:s3cret%40x@redis.internal:6380/2",
                "MIA_REDIS_KEY_PREFIX", "mia-eu:",
                "MIA_CLUSTER_LEASE", "10s",
                "MIA_DATABASE_URL", SHARED_DATABASE));

    RedisAddress redis = config.redis().orElseThrow();
    assertEquals("redis.internal:6380", redis.hostAndPort());
    assertEquals(Optional.of("s3cret@x"), redis.password());
    assertEquals(Optional.empty(), redis.username());
    assertEquals(2, redis.database());
    assertFalse(redis.tls());
    assertEquals("redis://redis.internal:6380", redis.url());
    assertEquals("mia-eu:", config.redisKeyPrefix());
    assertEquals(Duration.ofSeconds(10), config.clusterLease());
  }

  @Test
  void aRedisUrlWithoutAPortUsesTheDefaultOne() {
    RedisAddress redis = RedisAddress.parse("rediss://user:pw@cache.example.org");

    assertEquals("cache.example.org:6379", redis.hostAndPort());
    assertEquals(Optional.of("user"), redis.username());
    assertTrue(redis.tls());
  }

  @Test
  void aBadRedisUrlStopsTheStartNamingTheVariableWithoutEchoingIt() {
    for (String bad :
        List.of("cache:6379", "http://:pw@cache:6379", "redis://:pw@", "redis://cache:6379/x")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> ServerConfig.fromEnvironment(Map.of("MIA_REDIS_URL", bad)),
              bad);

      assertTrue(e.getMessage().startsWith("MIA_REDIS_URL must be a Redis URL"), e.getMessage());
      assertFalse(e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void toStringShowsTheRedisButNotItsPassword() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
            Map.of(
                "MIA_REDIS_URL",
                "redis://:hunter22@10.1.2.3:6379",
                "MIA_DATABASE_URL",
                SHARED_DATABASE));

    assertTrue(config.toString().contains("redis://10.1.2.3:6379"), config.toString());
    assertFalse(config.toString().contains("hunter22"), config.toString());
  }

  @Test
  void aClusterLeaseTooShortToRenewIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("MIA_CLUSTER_LEASE", "100ms")));

    assertEquals(
        "MIA_CLUSTER_LEASE must be at least 300ms (a lease is renewed every third of it); was"
            + " 100ms",
        e.getMessage());
  }

  @Test
  void aClusterServerMustShareItsDatabase() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("MIA_REDIS_URL", "redis://10.1.2.3:6379")));

    assertTrue(e.getMessage().startsWith("MIA_REDIS_URL makes this server one of a cluster"));
  }

  @Test
  void aDatabaseUrlChoosesTheDatabaseStore() {
    ServerConfig config = ServerConfig.fromEnvironment(Map.of("MIA_DATABASE_URL", SHARED_DATABASE));

    assertEquals(ServerConfig.Store.DATABASE, config.store());
  }

  @Test
  void theDefaultStoreIsTheEmbeddedFileInData() {
    ServerConfig config = ServerConfig.fromEnvironment(Map.of());

    assertEquals(ServerConfig.Store.EMBEDDED, config.store());
    assertEquals(java.nio.file.Path.of("data"), config.dataDir());
  }

  @Test
  void aDatabaseUrlThatIsNotPostgresIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServerConfig.fromEnvironment(Map.of("MIA_DATABASE_URL", "jdbc:mysql://db/mia")));

    assertTrue(e.getMessage().startsWith("MIA_DATABASE_URL must be a PostgreSQL JDBC URL"));
  }
}
