package dev.mia.core.session;

import dev.mia.server.store.JdbcSessionStore;
import dev.mia.server.store.JdbcStoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC store on SQLite keeps the session store contract; a new database file for each test
 * (this test sits in the contract's package to extend it).
 */
class SqliteSessionStoreTest extends SessionStoreContract {
  @TempDir Path folder;

  @Override
  SessionStore newStore() {
    return JdbcSessionStore.open(JdbcStoreConfig.sqlite(folder.resolve("mia.db")));
  }
}
