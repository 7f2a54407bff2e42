package dev.mia.server.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh databases for store tests. PostgreSQL comes from {@value #POSTGRES_URL} (a JDBC URL with
 * user and password; {@code .ci/postgres.sh} starts a local server and prints one): without it the
 * PostgreSQL tests are skipped, unless {@value #REQUIRE_REAL_SERVERS}{@code =1}, when they fail.
 */
public final class TestDatabases {
  /** The variable holding the test server's JDBC URL. */
  public static final String POSTGRES_URL = "MIA_TEST_POSTGRES_URL";

  /** The variable that turns a missing server from a skip into a failure. */
  public static final String REQUIRE_REAL_SERVERS = "MIA_REQUIRE_REAL_SERVERS";

  private TestDatabases() {}

  /** {@return the test PostgreSQL server's URL} Skips the test, or fails it, without one. */
  public static String postgresUrl() {
    String url = System.getenv(POSTGRES_URL);
    if (url == null || url.isBlank()) {
      if ("1".equals(System.getenv(REQUIRE_REAL_SERVERS))) {
        fail(
            REQUIRE_REAL_SERVERS
                + "=1 but "
                + POSTGRES_URL
                + " is not set: start PostgreSQL (.ci/postgres.sh starts one and prints its URL)"
                + " and export "
                + POSTGRES_URL);
      }
      Assumptions.abort(
          POSTGRES_URL + " is not set: PostgreSQL tests skipped (.ci/postgres.sh starts a server)");
    }
    return url;
  }

  /** A schema of its own in the test PostgreSQL server, for one test; {@link #close} drops it. */
  public static final class PostgresSchema implements AutoCloseable {
    private final String url;
    private final String schemaUrl;
    private final String name;

    private PostgresSchema(String url, String name) {
      this.url = url;
      this.name = name;
      this.schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** {@return a new, empty schema} Skips the test, or fails it, without a server. */
    public static PostgresSchema create() {
      String url = postgresUrl();
      String name = "mia_test_" + UUID.randomUUID().toString().replace("-", "");
      try (Connection connection = DriverManager.getConnection(url);
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA " + name);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create a schema in " + POSTGRES_URL, e);
      }
      return new PostgresSchema(url, name);
    }

    /** {@return a store configuration whose tables live in this schema} */
    public JdbcStoreConfig config() {
      return JdbcStoreConfig.jdbc(schemaUrl);
    }

    /** {@return a JDBC URL, with the test server's login, whose tables are this schema's} */
    public String url() {
      return schemaUrl;
    }

    /** {@return a plain connection whose tables are this schema's} */
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(schemaUrl);
    }

    @Override
    public void close() {
      try (Connection connection = DriverManager.getConnection(url);
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop the test schema " + name, e);
      }
    }
  }
}
