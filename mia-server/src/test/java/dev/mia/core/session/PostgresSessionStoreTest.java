package dev.mia.core.session;

import dev.mia.server.store.JdbcSessionStore;
import dev.mia.server.store.TestDatabases;
import dev.mia.server.store.TestDatabases.PostgresSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The JDBC store on PostgreSQL keeps the session store contract; a new schema for each test, in the
 * server of {@code MIA_TEST_POSTGRES_URL} (skipped without one, unless {@code
 * MIA_REQUIRE_REAL_SERVERS=1}).
 */
class PostgresSessionStoreTest extends SessionStoreContract {
  private PostgresSchema schema;

  @BeforeAll
  static void needsAServer() {
    TestDatabases.postgresUrl();
  }

  @Override
  SessionStore newStore() {
    schema = PostgresSchema.create();
    return JdbcSessionStore.open(schema.config());
  }

  // Runs before the contract's own @AfterEach: the store lets go of the schema before it goes.
  @AfterEach
  void dropSchema() {
    store.close();
    schema.close();
  }
}
