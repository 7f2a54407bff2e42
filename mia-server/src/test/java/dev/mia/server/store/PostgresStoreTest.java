package dev.mia.server.store;

import dev.mia.server.store.TestDatabases.PostgresSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The JDBC store on PostgreSQL: a new schema for each test, in the server of {@code
 * MIA_TEST_POSTGRES_URL} (skipped without one, unless {@code MIA_REQUIRE_REAL_SERVERS=1}).
 */
class PostgresStoreTest extends DurableStoreContract {
  private PostgresSchema schema;

  @BeforeAll
  static void needsAServer() {
    TestDatabases.postgresUrl();
  }

  @BeforeEach
  void newSchema() {
    schema = PostgresSchema.create();
  }

  // Runs before the contract's @AfterEach: the stores let go of the schema before it goes.
  @AfterEach
  void dropSchema() {
    closeStores();
    schema.close();
  }

  @Override
  JdbcStoreConfig database() {
    return schema.config();
  }

  @Override
  Connection connect() throws SQLException {
    return schema.connect();
  }

  @Override
  void refuseMessagesReading(String content) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE FUNCTION refuse_content() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF NEW.content = '"
              + content
              + "' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$");
      statement.execute(
          "CREATE TRIGGER refuse_content BEFORE INSERT ON messages"
              + " FOR EACH ROW EXECUTE FUNCTION refuse_content()");
    }
  }
}
