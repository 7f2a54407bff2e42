package dev.mia.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** The connection pool for each kind of database, and the schema migrations. */
final class Databases {
  /** How long SQLite waits for a lock another connection holds before failing a statement. */
  static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;

  private Databases() {}

  /** {@return a pool of {@code size} connections to the database of {@code config}} */
  static HikariDataSource pool(JdbcStoreConfig config, String name, int size) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(name);
    hikari.setJdbcUrl(config.jdbcUrl());
    config.user().ifPresent(hikari::setUsername);
    config.password().ifPresent(hikari::setPassword);
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(size);
    hikari.setAutoCommit(true);
    if (config.isSqlite()) {
      hikari.setDriverClassName("org.sqlite.JDBC");
      // WAL: readers never wait for the writer, nor it for them. synchronous=FULL: each commit
      // syncs the WAL to disk before it returns, so a write whose stage completed survives a power
      // cut, not only a crash of the process (NORMAL would survive only that). Group commit pays
      // one sync per batch, not per write.
      hikari.addDataSourceProperty("journal_mode", "WAL");
      hikari.addDataSourceProperty("synchronous", "FULL");
      hikari.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MILLIS));
      // Off by default in SQLite, per connection: ON DELETE CASCADE needs it.
      hikari.addDataSourceProperty("foreign_keys", "true");
      // The writer takes the write lock when its transaction begins, so it never has to upgrade
      // a read lock another process's writer blocks (which busy_timeout cannot wait out).
      hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    } else {
      hikari.setDriverClassName("org.postgresql.Driver");
      // A server error's "Detail" can quote the failing row, message text included: kept out of
      // exception messages, which callers may log.
      hikari.addDataSourceProperty("logServerErrorDetail", "false");
      hikari.addDataSourceProperty("ApplicationName", "mia-session-store");
    }
    return new HikariDataSource(hikari);
  }

  /** Brings the schema up to date with the migrations in {@code db/migration}. */
  static void migrate(HikariDataSource pool) {
    Flyway.configure(Databases.class.getClassLoader())
        .dataSource(pool)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
