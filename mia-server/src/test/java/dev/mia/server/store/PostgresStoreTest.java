package dev.mia.server.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.session.ChatMessage;
import dev.mia.server.store.TestDatabases.PostgresSchema;
import dev.mia.server.testing.TcpProxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

  private static final Pattern HOST = Pattern.compile("^jdbc:postgresql://([^:/]+)(?::(\\d+))?/");

  @Test
  void writesGoOnAfterTheDatabaseDroppedTheWritersConnection() {
    Matcher where = HOST.matcher(schema.url());
    assertTrue(where.find(), "a JDBC URL with a host");
    int port = where.group(2) == null ? 5432 : Integer.parseInt(where.group(2));
    try (TcpProxy proxy = TcpProxy.to(where.group(1), port)) {
      String proxied = where.replaceFirst("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/");
      JdbcSessionStore store = openCheckingEveryBatch(JdbcStoreConfig.jdbc(proxied));
      created(store, "session_dropped");

      proxy.cut(); // as a database restart does to every open connection
      proxy.restore();

      assertTrue(done(store.accept("session_dropped", ChatMessage.user("after", 2_000))));
      store.close(); // while the proxy still carries its farewell
    }
  }
}
