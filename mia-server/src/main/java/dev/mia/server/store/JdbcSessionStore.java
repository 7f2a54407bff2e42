package dev.mia.server.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.MessageStatus;
import dev.mia.core.session.ProgressMarker;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStore;
import dev.mia.core.session.SessionStoreFullException;
import dev.mia.core.session.StoreHealth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link SessionStore} in SQLite or PostgreSQL, through JDBC. Open one with {@link
 * #open}; close it at shutdown.
 *
 * <p><b>Durability.</b> A write's stage completes once its transaction has committed: with SQLite
 * in WAL mode and {@code synchronous=FULL}, once the WAL is synced to disk; with PostgreSQL, once
 * the server has flushed its WAL (its default, {@code synchronous_commit=on}). An acknowledged
 * message therefore survives a crash of the process or of the machine.
 *
 * <p><b>Threads.</b> No method blocks its caller. Writes run on one writer thread of the store,
 * which takes every write waiting (up to 256) into one transaction and commits once, then completes
 * their stages in the order they were called; under load it first waits up to 1 ms for more writes
 * to share the commit ({@link GroupCommitWriter}). Callbacks attached to a write's stage run on
 * that thread, so they must not block (and never wait for another write). Writes to one session
 * take effect in call order. {@link #find} runs on a small pool of reader threads and sees every
 * write whose stage has completed; a {@linkplain JdbcStoreConfig#withSoleProcess sole process}
 * answers it at once for the sessions it keeps in memory ({@link SessionCache}). Thread-safe.
 *
 * <p><b>Expiry and capacity.</b> A session not written for longer than the TTL is absent from then
 * on and deleted by a sweep on the writer thread (every minute, or a tenth of the TTL if shorter).
 * A full store refuses new sessions with {@link SessionStoreFullException} after deleting any that
 * have expired; sessions are counted once at start, then as they are created and swept (and counted
 * again at each sweep when other processes share the database).
 *
 * <p><b>Interrupted replies.</b> Each open store is a process with a random id and a heartbeat in
 * the database, refreshed every third of the {@linkplain JdbcStoreConfig#withProcessTimeout process
 * timeout} (5 of 15 seconds by default). A {@link MessageStatus#PENDING} message whose process has
 * not beaten for the process timeout, or is gone, reads as {@link MessageStatus#INTERRUPTED};
 * {@link #settle} skips it, and the writer marks it so in the database. A {@linkplain
 * JdbcStoreConfig#withSoleProcess sole process} treats every other process as gone when it opens.
 * Processes sharing a database keep their clocks within a few seconds of each other.
 *
 * <p><b>Health.</b> {@link #health} borrows a connection of the pool (which keeps one spare for it)
 * and asks the database whether it answers, within a second, on a thread of its own: at most one
 * such check runs at a time, and while one has been waiting longer than a second every caller is
 * told at once that the database does not answer.
 *
 * <p>Message text is never logged: ids, counts and timings only.
 */
public final class JdbcSessionStore implements SessionStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcSessionStore.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final long THREAD_END_WAIT_MILLIS = 5_000;

  /** How long a health check waits for the database to answer. */
  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);

  /** How many expired sessions one sweep deletes at most; a full sweep is followed by another. */
  static final int SWEEP_LIMIT = 1_000;

  /**
   * Timings of the store's own work; tests shorten or stop them. {@code checkIdleAfter}: how long
   * the writer's connection may sit unused before the writer asks the database whether it is still
   * there (a restarted database, or a network that dropped it, leaves it dead). {@code gatherFor}:
   * how long a batch waits for company under load ({@link GroupCommitWriter}).
   */
  record Tuning(
      Duration heartbeatEvery,
      Duration staleAfter,
      int readers,
      Duration checkIdleAfter,
      Duration gatherFor) {
    /**
     * The writer's idle time before a check, as HikariCP's own before it hands a connection out.
     */
    static final Duration CHECK_IDLE_AFTER = Duration.ofMillis(500);

    /**
     * A batch's wait for company under load. Measured (docs/PERFORMANCE.md, stop 28): 1 ms took a
     * tenth of the server's CPU per message off at the {@code cpu} benchmark's load, with the time
     * to first chunk unchanged at p99; 2 and 4 ms took no more off and added to it.
     */
    static final Duration GATHER_FOR = Duration.ofMillis(1);

    /** {@return heartbeats every third of the configured process timeout, and two readers} */
    static Tuning of(JdbcStoreConfig config) {
      return new Tuning(
          config.processTimeout().dividedBy(3),
          config.processTimeout(),
          2,
          CHECK_IDLE_AFTER,
          GATHER_FOR);
    }
  }

  /** How many sessions a sole process keeps in memory at most, beside the database. */
  static final int CACHED_SESSIONS = 10_000;

  private final JdbcStoreConfig config;
  private final Tuning tuning;
  // Only for a sole process: with others writing to the database too, a copy could be stale.
  private final boolean caching;
  private final SessionCache cache = new SessionCache(CACHED_SESSIONS);
  private final String name;
  private final String nodeId;
  private final HikariDataSource pool;
  private final GroupCommitWriter writer;
  private final ExecutorService readers;
  private final ExecutorService checker;
  private final AtomicReference<HealthCheck> lastCheck = new AtomicReference<>();
  private final ScheduledExecutorService timer;
  private final ScheduledFuture<?> heartbeats;
  // The store's pool threads that may still be alive: a call from one of them is a callback, and
  // close() waits for them to be gone, since a pool's worker is still alive for a moment after the
  // pool reports it has terminated.
  private final Set<Thread> madeThreads = ConcurrentHashMap.newKeySet();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean closed;

  private JdbcSessionStore(
      JdbcStoreConfig config,
      Tuning tuning,
      String name,
      String nodeId,
      HikariDataSource pool,
      long sessions) {
    this.config = config;
    this.tuning = tuning;
    this.name = name;
    this.nodeId = nodeId;
    this.pool = pool;
    this.caching = config.soleProcess();
    this.readers = Executors.newFixedThreadPool(tuning.readers(), threads(name + "-reader-"));
    this.checker = Executors.newSingleThreadExecutor(threads(name + "-health-"));
    this.timer = Executors.newSingleThreadScheduledExecutor(threads(name + "-timer-"));
    this.writer =
        new GroupCommitWriter(
            pool,
            sessions,
            name + "-writer",
            tuning.checkIdleAfter(),
            tuning.gatherFor(),
            this::release);
    writer.start();
    long beat = tuning.heartbeatEvery().toMillis();
    this.heartbeats =
        timer.scheduleAtFixedRate(
            () -> writer.submit(new Heartbeat()), beat, beat, TimeUnit.MILLISECONDS);
    long sweep = Math.min(Duration.ofMinutes(1).toMillis(), config.ttl().toMillis() / 10);
    timer.scheduleWithFixedDelay(
        () -> writer.submit(new Sweep()), 0, Math.max(1, sweep), TimeUnit.MILLISECONDS);
  }

  /**
   * Opens the store in the database of {@code config}: makes the SQLite file's folders if missing,
   * brings the schema up to date, registers this process, and counts the sessions. Waits for all of
   * that.
   *
   * @throws IllegalStateException if the database cannot be reached or migrated; the message names
   *     the database (without its password) and the cause
   */
  public static JdbcSessionStore open(JdbcStoreConfig config) {
    return open(config, Tuning.of(config));
  }

  static JdbcSessionStore open(JdbcStoreConfig config, Tuning tuning) {
    Objects.requireNonNull(config, "config == null");
    long started = System.nanoTime();
    String name = "mia-store-" + INSTANCES.incrementAndGet();
    String nodeId = "node_" + UUID.randomUUID();
    HikariDataSource pool = null;
    try {
      if (config.isSqlite()) {
        makeFolders(config.sqliteFile());
      }
      // The writer's connection, one per reader, and one spare for the health check.
      pool = Databases.pool(config, name, tuning.readers() + 2);
      Databases.migrate(pool);
      long sessions = register(pool, config, nodeId);
      JdbcSessionStore store = new JdbcSessionStore(config, tuning, name, nodeId, pool, sessions);
      log.info(
          "session store open: {} ({}), {} sessions, process {}{}, in {} ms",
          config.isSqlite() ? "SQLite" : "PostgreSQL",
          config.safeUrl(),
          sessions,
          nodeId,
          config.soleProcess() ? " (sole)" : "",
          (System.nanoTime() - started) / 1_000_000);
      return store;
    } catch (IOException | SQLException | RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      throw new IllegalStateException(
          "cannot open the session store at " + config.safeUrl() + ": " + e.getMessage(), e);
    }
  }

  private static void makeFolders(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !file.toString().startsWith("file:")) {
      Files.createDirectories(parent);
    }
  }

  /**
   * Writes this process's first heartbeat and, for a sole process, ends every other one; {@return
   * the number of sessions}
   */
  private static long register(HikariDataSource pool, JdbcStoreConfig config, String nodeId)
      throws SQLException {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      Tx tx = new Tx(connection, 0);
      try {
        long now = config.clock().millis();
        SessionRows.beat(tx, nodeId, now);
        if (config.soleProcess()) {
          int interrupted = SessionRows.endOtherProcesses(tx, nodeId);
          if (interrupted > 0) {
            log.info("session store: {} unanswered messages of earlier processes", interrupted);
          }
        }
        long sessions = SessionRows.count(tx);
        connection.commit();
        return sessions;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        tx.closeStatements();
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A sole process answers at once, on the caller's thread, for a session it has cached (see
   * {@link SessionCache}); otherwise a reader thread queries the database.
   */
  @Override
  public CompletionStage<Optional<Session>> find(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    if (closed) {
      return closedStage();
    }
    if (!caching) {
      return readWith(connection -> read(connection, sessionId).map(SessionRows.Found::session));
    }
    Optional<Session> cached = cache.get(sessionId, expiredBeforeNow());
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(cached);
    }
    SessionCache.Ticket ticket = cache.startFill(sessionId);
    CompletionStage<Optional<SessionRows.Found>> read =
        readWith(connection -> read(connection, sessionId));
    return read.handle(
        (found, failure) -> {
          if (failure != null || found.isEmpty()) {
            cache.endFill(ticket);
          } else {
            cache.fill(ticket, found.get().session(), found.get().writtenAt());
          }
          if (failure != null) {
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
          }
          return found.map(SessionRows.Found::session);
        });
  }

  private Optional<SessionRows.Found> read(Connection connection, String sessionId)
      throws SQLException {
    long now = config.clock().millis();
    return SessionRows.find(
        connection, sessionId, expiredBefore(now), nodeId, now - tuning.staleAfter().toMillis());
  }

  @Override
  public CompletionStage<Void> create(Session session) {
    Objects.requireNonNull(session, "session == null");
    return writer.submit(new Create(session));
  }

  @Override
  public CompletionStage<Boolean> accept(String sessionId, ChatMessage message) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    Objects.requireNonNull(message, "message == null");
    ChatMessage owed = message.withStatus(MessageStatus.PENDING);
    return writer.submit(
        new SessionWrite(sessionId) {
          @Override
          boolean apply(Tx tx, long now) throws SQLException {
            return SessionRows.accept(tx, sessionId, owed, nodeId, now, expiredBefore(now));
          }

          @Override
          Session change(Session session) {
            return session.withMessage(owed);
          }
        });
  }

  @Override
  public CompletionStage<Boolean> append(String sessionId, ChatMessage message) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    Objects.requireNonNull(message, "message == null");
    ChatMessage complete = message.withStatus(MessageStatus.COMPLETE);
    return writer.submit(
        new SessionWrite(sessionId) {
          @Override
          boolean apply(Tx tx, long now) throws SQLException {
            return SessionRows.append(tx, sessionId, complete, now, expiredBefore(now));
          }

          @Override
          Session change(Session session) {
            return session.withMessage(complete);
          }
        });
  }

  @Override
  public CompletionStage<Boolean> recordProfile(
      String sessionId, OptionalInt age, Mode mode, SafetyTier tier, long now) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    Objects.requireNonNull(age, "age == null");
    Objects.requireNonNull(mode, "mode == null");
    Objects.requireNonNull(tier, "tier == null");
    OptionalInt alert = tier.raisesAlert() ? OptionalInt.of(tier.level()) : OptionalInt.empty();
    return writer.submit(
        new SessionWrite(sessionId) {
          @Override
          boolean apply(Tx tx, long written) throws SQLException {
            return SessionRows.recordProfile(
                tx, sessionId, age, mode, alert, now, written, expiredBefore(written));
          }

          @Override
          Session change(Session session) {
            return session.withProfile(
                age.isPresent() ? age : session.age(),
                mode,
                tier.raisesAlert() ? tier : session.safetyTier(),
                now);
          }
        });
  }

  @Override
  public CompletionStage<Boolean> settle(String sessionId, Optional<ChatMessage> reply) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    Objects.requireNonNull(reply, "reply == null");
    return writer.submit(
        new SessionWrite(sessionId) {
          @Override
          boolean apply(Tx tx, long now) throws SQLException {
            return SessionRows.settle(
                tx,
                sessionId,
                reply,
                nodeId,
                now - tuning.staleAfter().toMillis(),
                now,
                expiredBefore(now));
          }

          @Override
          Session change(Session session) {
            return session.withSettled(reply);
          }
        });
  }

  @Override
  public CompletionStage<Boolean> recordProgress(String sessionId, ProgressMarker marker) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    Objects.requireNonNull(marker, "marker == null");
    return writer.submit(
        new SessionWrite(sessionId) {
          @Override
          boolean apply(Tx tx, long now) throws SQLException {
            return SessionRows.recordProgress(tx, sessionId, marker, now, expiredBefore(now));
          }
        });
  }

  @Override
  public CompletionStage<Boolean> recordFeedback(String sessionId, Feedback feedback) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    Objects.requireNonNull(feedback, "feedback == null");
    return writer.submit(
        new SessionWrite(sessionId) {
          @Override
          boolean apply(Tx tx, long now) throws SQLException {
            return SessionRows.recordFeedback(tx, sessionId, feedback, now, expiredBefore(now));
          }
        });
  }

  @Override
  public CompletionStage<List<ProgressMarker>> progress(String sessionId) {
    return readWith(connection -> SessionRows.progress(connection, sessionId, expiredBeforeNow()));
  }

  @Override
  public CompletionStage<List<Feedback>> feedback(String sessionId) {
    return readWith(connection -> SessionRows.feedback(connection, sessionId, expiredBeforeNow()));
  }

  /** A read on one of the reader threads. */
  private interface Read<T> {
    T from(Connection connection) throws SQLException;
  }

  private <T> CompletionStage<T> readWith(Read<T> read) {
    if (closed) {
      return closedStage();
    }
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            try (Connection connection = pool.getConnection()) {
              return read.from(connection);
            } catch (SQLException e) {
              log.warn("session store: a read failed: {}", GroupCommitWriter.describe(e));
              throw new CompletionException(GroupCommitWriter.safe(e));
            }
          },
          readers);
    } catch (RejectedExecutionException e) {
      return closedStage();
    }
  }

  /** One health check: its answer to come, and when it started. */
  private record HealthCheck(CompletableFuture<StoreHealth> answer, long startedNanos) {}

  @Override
  public CompletionStage<StoreHealth> health() {
    if (closed) {
      return CompletableFuture.completedFuture(new StoreHealth.Unhealthy("the store is closed"));
    }
    HealthCheck last = lastCheck.get();
    if (last != null && !last.answer().isDone()) {
      // One check at a time: a database that does not answer must not pile up waiting checks.
      long waited = System.nanoTime() - last.startedNanos();
      if (waited > HEALTH_TIMEOUT.toNanos()) {
        return CompletableFuture.completedFuture(
            new StoreHealth.Unhealthy(
                "the database has not answered for " + waited / 1_000_000 + " ms"));
      }
      return last.answer().minimalCompletionStage();
    }
    HealthCheck next = new HealthCheck(new CompletableFuture<>(), System.nanoTime());
    if (!lastCheck.compareAndSet(last, next)) {
      return health(); // another caller started one just now
    }
    try {
      checker.execute(() -> next.answer().complete(checkHealth()));
    } catch (RejectedExecutionException e) {
      next.answer().complete(new StoreHealth.Unhealthy("the store is closed"));
    }
    return next.answer().minimalCompletionStage();
  }

  private StoreHealth checkHealth() {
    try (Connection connection = pool.getConnection()) {
      if (connection.isValid((int) HEALTH_TIMEOUT.toSeconds())) {
        return StoreHealth.HEALTHY;
      }
      return new StoreHealth.Unhealthy(
          "the database did not answer within " + HEALTH_TIMEOUT.toMillis() + " ms");
    } catch (SQLException | RuntimeException e) {
      return new StoreHealth.Unhealthy(
          "the database cannot be reached: " + GroupCommitWriter.describe(e));
    }
  }

  private long expiredBeforeNow() {
    return expiredBefore(config.clock().millis());
  }

  /**
   * Stops taking calls (a later call's stage fails with {@link IllegalStateException}), finishes
   * every write already called, removes this process's heartbeat, and closes the connections and
   * threads. Returns once all of that is done, except when called on one of the store's own threads
   * (from a callback), where it returns at once and the store finishes closing after. Calling it
   * again does nothing more.
   */
  @Override
  public void close() {
    closed = true;
    if (writer.close(new Farewell())) {
      timer.shutdownNow();
    }
    if (writer.isWriterThread() || madeThreads.contains(Thread.currentThread())) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        released.await();
        writer.awaitStopped();
        for (Thread made : madeThreads) {
          made.join(THREAD_END_WAIT_MILLIS);
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The writer thread's last act: the reads finish, then the connections close. */
  private void release() {
    try {
      timer.shutdownNow();
      checker.shutdown();
      readers.shutdown();
      if (!readers.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("session store: reads still running after 30 s; closing their connections");
        readers.shutdownNow();
      }
      pool.close();
      // A check still waiting for a connection gives up now that the pool is closed.
      checker.shutdownNow();
      checker.awaitTermination(5, TimeUnit.SECONDS);
      log.info(
          "session store closed: {} writes in {} transactions",
          writer.writes(),
          writer.transactions());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.close();
    } finally {
      released.countDown();
    }
  }

  private long expiredBefore(long now) {
    return now - config.ttl().toMillis();
  }

  private static <T> CompletionStage<T> closedStage() {
    return CompletableFuture.failedFuture(new IllegalStateException("the session store is closed"));
  }

  private ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      madeThreads.removeIf(made -> made.getState() == Thread.State.TERMINATED);
      madeThreads.add(thread);
      return thread;
    };
  }

  // ---- for tests in this package

  /** {@return the store's name, which its threads' and its pool's names start with} */
  String name() {
    return name;
  }

  /** {@return the store's connection pool} */
  DataSource dataSource() {
    return pool;
  }

  /** {@return this process's id in the nodes table} */
  String nodeId() {
    return nodeId;
  }

  /** {@return how many transactions the writer has committed} */
  long transactions() {
    return writer.transactions();
  }

  /** {@return how many sessions the store counts} */
  long size() {
    return writer.sessions();
  }

  /** Stops the heartbeat without closing: to other processes, this one has died. */
  void stopHeartbeat() {
    heartbeats.cancel(false);
  }

  /**
   * Waits until the timer has queued the writes due by now, such as the sweep it queues at open, so
   * that a test's own writes are not joined by one.
   */
  void awaitDueTimers() {
    try {
      timer.schedule(() -> {}, 0, TimeUnit.MILLISECONDS).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the store's timer", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the store's timer failed", e);
    }
  }

  /** {@return whether the writer is waiting for company before its next batch} */
  boolean writerAwaitsCompany() {
    return writer.awaitingCompany();
  }

  /** {@return a stage completing once the writer has swept expired sessions, with their number} */
  CompletionStage<Integer> sweepNow() {
    return writer.submit(new Sweep());
  }

  /** {@return a stage completing once the writer has beaten and marked interrupted messages} */
  CompletionStage<Integer> heartbeatNow() {
    return writer.submit(new Heartbeat());
  }

  /**
   * Holds the writer until the returned action runs, so that writes called meanwhile wait in its
   * queue; returns once the writer is held.
   */
  Runnable holdWriter() {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    writer.submit(
        new Write<Void>() {
          @Override
          Void apply(Tx tx) {
            held.countDown();
            try {
              resume.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return null;
          }
        });
    try {
      held.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted holding the writer", e);
    }
    return resume::countDown;
  }

  /** {@return how many sessions are cached} */
  int cached() {
    return cache.size();
  }

  // ---- the writes of the store's own

  /**
   * A write to one session, which a sole process applies to its cached copy once it commits: the
   * same {@link #change} the database made, or, if the session turned out gone, dropping it; a
   * write that fails drops it too.
   */
  private abstract class SessionWrite extends Write<Boolean> {
    private final String sessionId;
    // Confined to the writer thread: the time of the last run, which the database recorded.
    private long writtenAt;

    SessionWrite(String sessionId) {
      this.sessionId = sessionId;
    }

    /** {@return whether the session exists} Runs inside the transaction, at {@code now}. */
    abstract boolean apply(Tx tx, long now) throws SQLException;

    /** {@return the session as this write leaves it} Only the written time by default. */
    Session change(Session session) {
      return session;
    }

    @Override
    final Boolean apply(Tx tx) throws SQLException {
      writtenAt = config.clock().millis();
      return apply(tx, writtenAt);
    }

    @Override
    final void committed(Boolean exists) {
      if (!caching) {
        return;
      }
      if (exists) {
        cache.written(sessionId, this::change, writtenAt);
      } else {
        cache.drop(sessionId);
      }
    }

    @Override
    final void failed() {
      if (caching) {
        cache.drop(sessionId);
      }
    }
  }

  private final class Create extends Write<Void> {
    private final Session session;
    // Confined to the writer thread.
    private long writtenAt;

    Create(Session session) {
      this.session = session;
    }

    @Override
    Void apply(Tx tx) throws SQLException {
      long now = config.clock().millis();
      long expiredBefore = expiredBefore(now);
      // An expired session under this id, not swept yet, is gone: it makes way.
      tx.sessionsChanged(-SessionRows.deleteIfExpired(tx, session.sessionId(), expiredBefore));
      if (tx.sessions() >= config.capacity()) {
        tx.sessionsChanged(-SessionRows.sweep(tx, expiredBefore, SWEEP_LIMIT));
      }
      if (tx.sessions() >= config.capacity()) {
        refuse(new SessionStoreFullException(config.capacity()));
        return null;
      }
      if (!SessionRows.create(tx, session, nodeId, now)) {
        refuse(new IllegalStateException("a session with this id exists: " + session.sessionId()));
        return null;
      }
      tx.sessionsChanged(1);
      writtenAt = now;
      return null;
    }

    @Override
    void committed(Void nothing) {
      if (caching) {
        cache.created(session, writtenAt);
      }
    }
  }

  private final class Sweep extends Write<Integer> {
    // Confined to the writer thread.
    private long expiredBefore;

    @Override
    void committed(Integer deleted) {
      if (caching) {
        cache.dropExpired(expiredBefore);
      }
    }

    Sweep() {
      stage.thenAccept(
          deleted -> {
            if (deleted > 0) {
              log.info("session store: {} expired sessions deleted", deleted);
            }
            if (deleted == SWEEP_LIMIT) {
              writer.submit(new Sweep());
            }
          });
    }

    @Override
    Integer apply(Tx tx) throws SQLException {
      expiredBefore = expiredBefore(config.clock().millis());
      int deleted = SessionRows.sweep(tx, expiredBefore, SWEEP_LIMIT);
      tx.sessionsChanged(-deleted);
      if (!config.soleProcess()) {
        // Other processes create and delete sessions too.
        tx.sessionsCounted(SessionRows.count(tx));
      }
      return deleted;
    }
  }

  private final class Heartbeat extends Write<Integer> {
    @Override
    Integer apply(Tx tx) throws SQLException {
      long now = config.clock().millis();
      if (!SessionRows.beat(tx, nodeId, now)) {
        log.warn(
            "session store: process {} had been taken for gone (no heartbeat for {}); it is back",
            nodeId,
            tuning.staleAfter());
      }
      int interrupted =
          SessionRows.endStaleProcesses(tx, nodeId, now - tuning.staleAfter().toMillis());
      if (interrupted > 0) {
        log.info("session store: {} messages interrupted by a stopped process", interrupted);
      }
      return interrupted;
    }
  }

  private final class Farewell extends Write<Void> {
    @Override
    Void apply(Tx tx) throws SQLException {
      SessionRows.leave(tx, nodeId);
      return null;
    }
  }
}
