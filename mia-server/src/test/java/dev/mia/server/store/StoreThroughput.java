package dev.mia.server.store;

import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A quick measurement, not a test: how many messages per second the store accepts when clients wait
 * for each acknowledgement before sending the next, as the server's clients do, with one client
 * (one write per transaction) and with many (group commit). Prints, asserts nothing.
 *
 * <pre>
 * java -cp mia-server/target/mia-server.jar:mia-server/target/test-classes \
 *     dev.mia.server.store.StoreThroughput [jdbc:postgresql://…]
 * </pre>
 *
 * SQLite always (a file in a new temporary folder); PostgreSQL too when given its URL (the tables
 * go to the URL's schema: use a scratch database).
 */
public final class StoreThroughput {
  private StoreThroughput() {}

  public static void main(String[] args) throws Exception {
    Path folder = Files.createTempDirectory("mia-store-throughput");
    List<JdbcStoreConfig> databases = new ArrayList<>();
    databases.add(JdbcStoreConfig.sqlite(folder.resolve("mia.db")));
    if (args.length > 0) {
      databases.add(JdbcStoreConfig.jdbc(args[0]));
    }
    for (JdbcStoreConfig database : databases) {
      String kind = database.isSqlite() ? "SQLite" : "PostgreSQL";
      try (JdbcSessionStore store = JdbcSessionStore.open(database)) {
        run(store, kind, 1, 1_000); // warm-up
        run(store, kind, 1, 2_000);
        run(store, kind, 16, 20_000);
        run(store, kind, 64, 40_000);
        run(store, kind, 256, 40_000);
      }
    }
  }

  /** {@code clients} sessions, each accepting and settling messages one after another. */
  private static void run(JdbcSessionStore store, String kind, int clients, int messages) {
    String prefix = "session_bench_" + System.nanoTime() + "_";
    List<CompletionStage<Void>> created = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      created.add(store.create(Session.start(prefix + c, "anon_bench", 1)));
    }
    created.forEach(s -> s.toCompletableFuture().join());
    AtomicInteger left = new AtomicInteger(messages);
    long transactions = store.transactions();
    long started = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      next(store, prefix + c, left, done);
      loops.add(done);
    }
    loops.forEach(CompletableFuture::join);
    double seconds = (System.nanoTime() - started) / 1e9;
    long used = store.transactions() - transactions;
    // Each message is two writes: accept, then settle with a reply.
    System.out.printf(
        "%-10s %3d clients: %6d messages in %5.2f s = %7.0f messages/s (%7.0f writes/s),"
            + " %6d transactions, %5.1f writes each%n",
        kind,
        clients,
        messages,
        seconds,
        messages / seconds,
        2 * messages / seconds,
        used,
        2.0 * messages / Math.max(1, used));
  }

  private static void next(
      JdbcSessionStore store, String sessionId, AtomicInteger left, CompletableFuture<Void> done) {
    if (left.getAndDecrement() <= 0) {
      done.complete(null);
      return;
    }
    long now = System.currentTimeMillis();
    store
        .accept(sessionId, ChatMessage.user("How are you today?", now))
        .thenCompose(
            ok ->
                store.settle(
                    sessionId, Optional.of(ChatMessage.assistant("I am here for you.", now))))
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                done.completeExceptionally(failure);
              } else {
                next(store, sessionId, left, done);
              }
            });
  }
}
