package dev.mia.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC store on SQLite, as the server runs it: a new database file for each test, and the store
 * its sole process (which keeps the sessions it writes in memory too). PostgresStoreTest covers the
 * store sharing its database.
 */
class SqliteStoreTest extends DurableStoreContract {
  @TempDir Path folder;

  @Override
  JdbcStoreConfig database() {
    return JdbcStoreConfig.sqlite(folder.resolve("data").resolve("mia.db")).withSoleProcess(true);
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(database().jdbcUrl());
  }

  @Override
  void refuseMessagesReading(String content) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TRIGGER refuse_content BEFORE INSERT ON messages WHEN NEW.content = '"
              + content
              + "' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    }
  }

  @Test
  void theStoresConnectionsUseWalFullSyncABusyTimeoutAndForeignKeys() throws SQLException {
    JdbcSessionStore store = open();
    try (Connection connection = store.dataSource().getConnection()) {
      assertEquals("wal", pragma(connection, "journal_mode"));
      assertEquals("2", pragma(connection, "synchronous")); // FULL
      assertEquals("10000", pragma(connection, "busy_timeout"));
      assertEquals("1", pragma(connection, "foreign_keys"));
    }
  }

  private static String pragma(Connection connection, String name) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
