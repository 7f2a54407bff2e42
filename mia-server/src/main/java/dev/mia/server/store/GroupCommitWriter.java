package dev.mia.server.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes: it takes every write waiting in its queue (at most {@link
 * #MAX_BATCH}), runs them in order in one transaction, commits, then completes their stages in
 * order (on this thread). Writes therefore take effect in the order they were queued, a commit's
 * cost (an fsync) is shared by all the writes that waited for it, and nobody else's thread ever
 * writes.
 *
 * <p>Under load the writer also waits for company: when {@link #BUSY_AFTER} writes or more came in
 * while a batch was being written, the next batch waits until {@link #GATHER_UP_TO} writes are
 * queued, or {@code gatherFor} has passed, before it begins. At a rate where a commit's own cost
 * dominates (one fsync, the WAL's pages, the database's locks) this trades at most {@code
 * gatherFor} of latency for several times fewer commits; a write that arrives in a quiet moment, or
 * from a caller that waits for each write before it sends the next, never waits.
 *
 * <p>The writer keeps one connection of the pool, and the statements it prepared on it, from one
 * batch to the next: preparing the same few SQL texts for every batch cost more than running them.
 * A connection that sat unused for a while is asked whether it still works before a batch (as the
 * pool asks before it hands one out), and replaced if not, so a database restart or a dropped
 * network connection costs no write.
 *
 * <p>A batch that fails is rolled back and its writes run again one transaction each, so only the
 * writes that fail on their own fail their stages; the next batch proceeds either way. When the
 * connection itself is lost the whole batch fails at once instead. After any failure the writer
 * gives its connection back to the pool and takes one afresh for the next batch.
 *
 * <p>{@link #close} stops taking writes, runs a last write after every queued one, and ends the
 * thread, which then runs the {@code stopped} action.
 */
final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** The most writes one transaction takes. */
  static final int MAX_BATCH = 256;

  /** How many writes arriving during one batch make the next one wait for company. */
  static final int BUSY_AFTER = 2;

  /** How many queued writes end a wait for company. */
  static final int GATHER_UP_TO = 16;

  private final DataSource pool;
  private final Runnable stopped;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<Write<?>> queue = new ArrayDeque<>();
  // Guarded by lock: how many writes must be queued before a submit wakes the writer. One while
  // the writer waits for work, GATHER_UP_TO while it waits for company (so that it is not woken
  // for each write it would go back to waiting for), MAX_VALUE while it writes.
  private int wakeAt = 1;
  // Guarded by lock.
  private boolean closed;
  // Written on the writer thread only; volatile for tests and logs.
  private volatile long sessions;
  // Written on the writer thread only; volatile for tests.
  private volatile boolean awaitingCompany;
  // The writer thread's own: the connection it keeps, and the statements prepared on it.
  private Connection connection;
  private long lastUsedNanos;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final long checkIdleAfterNanos;
  private final long gatherForNanos;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  /**
   * A writer on {@code pool}, whose database held {@code sessions} sessions when it was opened,
   * checking its connection after {@code checkIdleAfter} unused and waiting at most {@code
   * gatherFor} for company under load ({@link Duration#ZERO}: never). Its thread, named {@code
   * threadName}, begins at {@link #start}; {@code stopped} runs on it as it ends.
   */
  GroupCommitWriter(
      DataSource pool,
      long sessions,
      String threadName,
      Duration checkIdleAfter,
      Duration gatherFor,
      Runnable stopped) {
    this.pool = pool;
    this.checkIdleAfterNanos = checkIdleAfter.toNanos();
    this.gatherForNanos = gatherFor.toNanos();
    this.sessions = sessions;
    this.stopped = stopped;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  /** Starts the writer's thread; writes submitted before wait in the queue until then. */
  void start() {
    thread.start();
  }

  /**
   * Queues {@code write}. {@return its stage} failing with {@link IllegalStateException} at once if
   * the writer is closed.
   */
  <T> CompletableFuture<T> submit(Write<T> write) {
    lock.lock();
    try {
      if (closed) {
        write.fail(new IllegalStateException("the session store is closed"));
        return write.stage;
      }
      queue.add(write);
      if (queue.size() >= wakeAt) {
        queued.signal();
      }
    } finally {
      lock.unlock();
    }
    return write.stage;
  }

  /**
   * Stops taking writes; {@code last} runs after every write queued before. {@return false if the
   * writer was closed already}
   */
  boolean close(Write<?> last) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      queue.add(last);
      queued.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** {@return whether the calling thread is the writer's} */
  boolean isWriterThread() {
    return Thread.currentThread() == thread;
  }

  /** Waits until the writer's thread has ended. */
  void awaitStopped() throws InterruptedException {
    thread.join();
  }

  /** {@return how many sessions the database holds, as this writer knows it} */
  long sessions() {
    return sessions;
  }

  /** {@return whether the writer is waiting for company before a batch} */
  boolean awaitingCompany() {
    return awaitingCompany;
  }

  /** {@return how many transactions have committed} */
  long transactions() {
    return transactions.get();
  }

  /** {@return how many writes have committed} */
  long writes() {
    return writes.get();
  }

  private void run() {
    List<Write<?>> batch = new ArrayList<>(MAX_BATCH);
    try {
      boolean last = false;
      // Before the first batch, what is queued came in while the thread was starting: no sign of
      // a busy moment, and a wait for company then could hold a store's first writes for all of
      // gatherFor.
      boolean afterBatch = false;
      while (!last) {
        lock.lock();
        try {
          // Taken as soon as the last batch ended: what is queued came in while it was written,
          // the sign of a busy moment.
          boolean busy = afterBatch && queue.size() >= BUSY_AFTER;
          wakeAt = 1;
          while (queue.isEmpty()) {
            queued.awaitUninterruptibly();
          }
          if (busy) {
            awaitCompany();
          }
          while (batch.size() < MAX_BATCH && !queue.isEmpty()) {
            batch.add(queue.poll());
          }
          last = closed && queue.isEmpty();
          wakeAt = Integer.MAX_VALUE;
        } finally {
          lock.unlock();
        }
        execute(batch);
        batch.clear();
        afterBatch = true;
      }
    } finally {
      abandonQueue();
      letConnectionGo();
      stopped.run();
    }
  }

  /**
   * Waits, holding the lock, until {@link #GATHER_UP_TO} writes are queued, {@code gatherFor} has
   * passed, or the writer is closed. An interrupt ends the wait too, and is kept for the next one,
   * which then does not wait: nothing interrupts the writer's thread but an emergency.
   */
  private void awaitCompany() {
    long left = gatherForNanos;
    wakeAt = GATHER_UP_TO;
    awaitingCompany = true;
    try {
      while (left > 0 && queue.size() < GATHER_UP_TO && !closed) {
        left = queued.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      awaitingCompany = false;
    }
  }

  /** How many dead connections in a row the writer throws away before it gives up on a batch. */
  private static final int TAKE_ATTEMPTS = 4;

  /**
   * {@return the connection the writer keeps, taken from the pool if it has none} After a pause, a
   * connection is checked first; a dead one goes, and the pool is asked again, its connections
   * checked too (after a database restart they may all be dead).
   */
  private Connection connection() throws SQLException {
    boolean idle = System.nanoTime() - lastUsedNanos > checkIdleAfterNanos;
    if (connection != null && idle && !isValid(connection)) {
      log.info("session store: the writer's database connection was lost; taking another");
      discardConnection();
    }
    for (int attempt = 1; connection == null; attempt++) {
      Connection taken = pool.getConnection();
      if (attempt == TAKE_ATTEMPTS || !idle || isValid(taken)) {
        connection = taken;
      } else {
        evict(taken);
      }
    }
    lastUsedNanos = System.nanoTime();
    return connection;
  }

  private static boolean isValid(Connection connection) {
    try {
      return connection.isValid(1);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /** Closes the kept statements and takes the connection out of the pool for good. */
  private void discardConnection() {
    Tx.closeAll(statements);
    if (connection != null) {
      evict(connection);
      connection = null;
    }
  }

  private void evict(Connection dead) {
    try {
      if (pool instanceof HikariDataSource hikari) {
        hikari.evictConnection(dead);
      } else {
        dead.close();
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("session store: a dead connection could not be closed", e);
    }
  }

  /** Closes the kept statements and gives the connection back to the pool. */
  private void letConnectionGo() {
    Tx.closeAll(statements);
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException | RuntimeException e) {
        log.debug("session store: a connection could not be given back", e);
      }
      connection = null;
    }
  }

  /** Fails what is still queued when the thread ends early (it never does, but for an Error). */
  private void abandonQueue() {
    List<Write<?>> left;
    lock.lock();
    try {
      closed = true;
      left = new ArrayList<>(queue);
      queue.clear();
    } finally {
      lock.unlock();
    }
    for (Write<?> write : left) {
      write.fail(new IllegalStateException("the session store's writer stopped"));
    }
  }

  private void execute(List<Write<?>> batch) {
    long started = System.nanoTime();
    Connection connection;
    try {
      connection = connection();
      // Between batches the connection is in auto-commit, outside any transaction: SQLite's driver
      // begins the next one as soon as a transaction ends, and that one would hold the write lock.
      connection.setAutoCommit(false);
    } catch (SQLException | RuntimeException e) {
      // No connection, or no transaction: nothing was written.
      log.warn("session store: {} writes failed: {}", batch.size(), describe(e));
      failAll(batch, e);
      letConnectionGo();
      return;
    }
    Tx tx = new Tx(connection, statements, sessions);
    try {
      for (Write<?> write : batch) {
        write.run(tx);
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      rollback(connection);
      if (batch.size() == 1 || connectionLost(e) || !isOpen(connection)) {
        log.warn("session store: {} writes failed: {}", batch.size(), describe(e));
        failAll(batch, e);
      } else {
        log.warn(
            "session store: a batch of {} writes failed ({}); writing them one at a time",
            batch.size(),
            describe(e));
        oneAtATime(connection, batch);
      }
      letConnectionGo();
      return;
    } catch (Error e) {
      failAll(batch, e);
      letConnectionGo();
      throw e;
    }
    try {
      connection.setAutoCommit(true);
    } catch (SQLException | RuntimeException e) {
      // Committed; the next batch takes a connection afresh.
      log.debug("session store: a connection could not leave its transaction", e);
      letConnectionGo();
    }
    recordCommit(tx, batch.size());
    for (Write<?> write : batch) {
      write.complete();
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "session store: {} writes in one transaction, {} µs",
          batch.size(),
          (System.nanoTime() - started) / 1_000);
    }
  }

  private void oneAtATime(Connection connection, List<Write<?>> batch) {
    for (Write<?> write : batch) {
      Tx tx = new Tx(connection, statements, sessions);
      try {
        write.run(tx);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(connection);
        log.warn("session store: a write failed: {}", describe(e));
        log.debug("session store: the failure in full", e);
        write.fail(safe(e));
        continue;
      }
      recordCommit(tx, 1);
      write.complete();
    }
  }

  private void recordCommit(Tx tx, int count) {
    sessions = tx.sessions();
    transactions.incrementAndGet();
    writes.addAndGet(count);
  }

  private static void failAll(List<Write<?>> batch, Throwable failure) {
    log.debug("session store: the failure in full", failure);
    Throwable safe = safe(failure);
    for (Write<?> write : batch) {
      write.fail(safe);
    }
  }

  private static void rollback(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.debug("session store: rollback failed", e);
    }
  }

  private static boolean isOpen(Connection connection) {
    try {
      return !connection.isClosed();
    } catch (SQLException e) {
      return false;
    }
  }

  private static boolean connectionLost(Exception e) {
    if (e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    return e instanceof SQLException sql
        && sql.getSQLState() != null
        && sql.getSQLState().startsWith("08");
  }

  /**
   * {@return what the caller's stage fails with} A database's message may quote the values of a row
   * (message text): the caller, who may log it, gets the SQL state and the class only; the original
   * is its cause.
   */
  static Throwable safe(Throwable failure) {
    if (failure instanceof SQLException sql) {
      return new SQLException(
          "the session store's database failed: " + describe(sql),
          sql.getSQLState(),
          sql.getErrorCode(),
          sql);
    }
    return failure;
  }

  /** {@return the class, SQL state and vendor code of {@code e}, never its message} */
  static String describe(Throwable e) {
    if (e instanceof SQLException sql) {
      return e.getClass().getSimpleName()
          + " (SQLState "
          + sql.getSQLState()
          + ", code "
          + sql.getErrorCode()
          + ")";
    }
    return e.getClass().getName();
  }
}
