package dev.mia.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer on its own, for what the store's contract cannot arrange: writes before it starts. */
class GroupCommitWriterTest {
  @TempDir Path folder;

  /** A write that touches no table and gives back its name. */
  private static final class Named extends Write<String> {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    String apply(Tx tx) {
      return name;
    }
  }

  @Test
  void writesQueuedWhileItsThreadStartsDoNotWaitForCompany() throws Exception {
    JdbcStoreConfig config = JdbcStoreConfig.sqlite(folder.resolve("mia.db"));
    try (HikariDataSource pool = Databases.pool(config, "writer-test", 1)) {
      GroupCommitWriter writer =
          new GroupCommitWriter(
              pool,
              0,
              "writer-test-writer",
              Duration.ofMinutes(1),
              Duration.ofMinutes(1),
              () -> {});
      List<CompletableFuture<String>> early = new ArrayList<>();
      for (int i = 0; i < GroupCommitWriter.BUSY_AFTER; i++) {
        early.add(writer.submit(new Named("early" + i)));
      }

      writer.start();

      // A wait for company would hold them for the minute; 30 s gives up long before that.
      for (int i = 0; i < early.size(); i++) {
        assertEquals("early" + i, early.get(i).get(30, TimeUnit.SECONDS));
      }
      writer.close(new Named("last"));
      writer.awaitStopped();
    }
  }
}
