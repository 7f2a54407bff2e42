package dev.mia.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.session.InMemorySessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The store's configuration: its defaults, its checks and what it shows. */
class JdbcStoreConfigTest {

  @Test
  void aSqliteFileGetsTheDefaults() {
    JdbcStoreConfig config = JdbcStoreConfig.sqlite(Path.of("data", "mia.db"));

    assertEquals("jdbc:sqlite:data/mia.db", config.jdbcUrl());
    assertEquals(Optional.empty(), config.user());
    assertEquals(InMemorySessionStore.DEFAULT_TTL, config.ttl());
    assertEquals(InMemorySessionStore.DEFAULT_CAPACITY, config.capacity());
    assertFalse(config.soleProcess());
    assertEquals(Duration.ofSeconds(15), config.processTimeout());
    assertEquals(Path.of("data", "mia.db"), config.sqliteFile());
  }

  @Test
  void theHeartbeatGoesEveryThirdOfTheProcessTimeout() {
    JdbcStoreConfig config =
        JdbcStoreConfig.sqlite(Path.of("mia.db")).withProcessTimeout(Duration.ofSeconds(3));

    JdbcSessionStore.Tuning tuning = JdbcSessionStore.Tuning.of(config);

    assertEquals(Duration.ofSeconds(1), tuning.heartbeatEvery());
    assertEquals(Duration.ofSeconds(3), tuning.staleAfter());
    assertTrue(config.toString().contains("processTimeout=PT3S"), config.toString());
  }

  @Test
  void theProcessTimeoutHasAFloor() {
    JdbcStoreConfig config = JdbcStoreConfig.sqlite(Path.of("mia.db"));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> config.withProcessTimeout(Duration.ofMillis(149)));

    assertEquals("processTimeout must be at least PT0.15S, was PT0.149S", e.getMessage());
  }

  @Test
  void onlySqliteAndPostgresqlAreAccepted() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JdbcStoreConfig.jdbc("jdbc:mysql://db:3306/mia?password=secret"));

    assertEquals(
        "jdbcUrl must start with jdbc:sqlite: or jdbc:postgresql:, was jdbc:mysql://db:3306…",
        e.getMessage());
  }

  @Test
  void anInMemorySqliteDatabaseIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> JdbcStoreConfig.jdbc("jdbc:sqlite::memory:"));

    assertEquals(
        "an in-memory SQLite database is private to one connection and lost at exit;"
            + " jdbcUrl must name a file, such as jdbc:sqlite:data/mia.db",
        e.getMessage());
  }

  @Test
  void ttlMustBePositive() {
    JdbcStoreConfig config = JdbcStoreConfig.sqlite(Path.of("mia.db"));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> config.withTtl(Duration.ZERO));

    assertEquals("ttl must be positive, was PT0S", e.getMessage());
  }

  @Test
  void capacityMustBeAtLeastOne() {
    JdbcStoreConfig config = JdbcStoreConfig.sqlite(Path.of("mia.db"));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> config.withCapacity(0));

    assertEquals("capacity must be at least 1, was 0", e.getMessage());
  }

  @Test
  void passwordsNeverShow() {
    JdbcStoreConfig config =
        JdbcStoreConfig.jdbc("jdbc:postgresql://db/mia?user=mia&password=in-url")
            .withCredentials("mia", "given");

    String shown = config.toString();

    assertFalse(shown.contains("in-url"), shown);
    assertFalse(shown.contains("given"), shown);
    assertTrue(shown.contains("jdbc:postgresql://db/mia?user=mia&password=***"), shown);
    assertTrue(shown.contains("password=***, ttl="), shown);
  }

  @Test
  void anUnreachableDatabaseStopsTheOpeningWithItsAddress() {
    JdbcStoreConfig config =
        JdbcStoreConfig.jdbc("jdbc:postgresql://127.0.0.1:1/mia?user=mia&password=secret");

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> JdbcSessionStore.open(config));

    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot open the session store at"
                    + " jdbc:postgresql://127.0.0.1:1/mia?user=mia&password=***: "),
        e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }
}
