package dev.mia.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.MessageStatus;
import dev.mia.core.session.Role;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStatus;
import dev.mia.core.session.SessionStoreFullException;
import dev.mia.core.session.StoreHealth;
import dev.mia.core.testing.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the JDBC store does beyond the session store contract, on each database: durability across a
 * restart, group commit, failures confined to their writes, expiry, capacity, and messages left
 * unanswered by a process that stopped. Each test has a database of its own ({@link #database}).
 */
abstract class DurableStoreContract {
  private static final Duration TTL = Duration.ofHours(1);

  /** No heartbeat of its own accord during a test: the tests beat with heartbeatNow(). */
  private static final JdbcSessionStore.Tuning QUIET =
      new JdbcSessionStore.Tuning(
          Duration.ofDays(1),
          Duration.ofSeconds(15),
          2,
          JdbcSessionStore.Tuning.CHECK_IDLE_AFTER,
          JdbcSessionStore.Tuning.GATHER_FOR);

  private final List<JdbcSessionStore> opened = new ArrayList<>();
  final MutableClock clock = MutableClock.atStart();

  /** {@return the configuration of this test's database, the same database on every call} */
  abstract JdbcStoreConfig database();

  /** {@return a plain connection to this test's database} */
  abstract Connection connect() throws SQLException;

  /** Makes the database refuse to store a message whose text is {@code content}. */
  abstract void refuseMessagesReading(String content) throws SQLException;

  @AfterEach
  void closeStores() {
    opened.forEach(JdbcSessionStore::close);
  }

  /** {@return a store on this test's database with the test clock and a one-hour TTL} */
  JdbcSessionStore open() {
    return open(database().withClock(clock).withTtl(TTL));
  }

  JdbcSessionStore open(JdbcStoreConfig config) {
    return open(config, QUIET);
  }

  /** {@return a store on {@code config} whose writer checks its connection before every batch} */
  JdbcSessionStore openCheckingEveryBatch(JdbcStoreConfig config) {
    return open(
        config,
        new JdbcSessionStore.Tuning(
            QUIET.heartbeatEvery(),
            QUIET.staleAfter(),
            QUIET.readers(),
            Duration.ZERO,
            QUIET.gatherFor()));
  }

  /** {@return a store on this test's database whose writer waits for company up to a minute} */
  JdbcSessionStore openGatheringForAMinute() {
    return openGatheringFor(Duration.ofMinutes(1));
  }

  /** {@return a store on this test's database whose writer waits for company up to {@code wait}} */
  JdbcSessionStore openGatheringFor(Duration wait) {
    JdbcSessionStore store =
        open(
            database().withClock(clock).withTtl(TTL),
            new JdbcSessionStore.Tuning(
                QUIET.heartbeatEvery(),
                QUIET.staleAfter(),
                QUIET.readers(),
                QUIET.checkIdleAfter(),
                wait));
    store.awaitDueTimers();
    return store;
  }

  private JdbcSessionStore open(JdbcStoreConfig config, JdbcSessionStore.Tuning tuning) {
    JdbcSessionStore store = JdbcSessionStore.open(config, tuning);
    opened.add(store);
    return store;
  }

  static <T> T done(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("the store did not answer", e);
    }
  }

  static Session created(JdbcSessionStore store, String id) {
    Session session = Session.start(id, "anon_owner", 1_000);
    done(store.create(session));
    return session;
  }

  static List<String> transcript(JdbcSessionStore store, String sessionId) {
    return done(store.find(sessionId)).orElseThrow().conversationHistory().stream()
        .map(m -> m.role().wireName() + ":" + m.content() + ":" + m.status())
        .toList();
  }

  long count(String sql) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement query = connection.prepareStatement(sql);
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  String storedStatus(String sessionId, String content) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT status FROM messages WHERE session_id = ? AND content = ?")) {
      query.setString(1, sessionId);
      query.setString(2, content);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  @Test
  void sessionsSurviveClosingAndOpeningTheStoreAgain() {
    JdbcSessionStore first = open();
    created(first, "session_kept");
    done(first.accept("session_kept", ChatMessage.user("one", 2_000)));
    done(
        first.recordProfile(
            "session_kept", OptionalInt.of(15), Mode.EDUCATIONAL, SafetyTier.MODERATE, 2_001));
    done(first.settle("session_kept", Optional.of(ChatMessage.assistant("re:one", 2_002))));
    done(first.accept("session_kept", ChatMessage.user("two", 2_003)));
    Session before = done(first.find("session_kept")).orElseThrow();
    first.close();

    JdbcSessionStore second = open();
    Session after = done(second.find("session_kept")).orElseThrow();

    assertEquals(
        List.of(
            ChatMessage.user("one", 2_000),
            ChatMessage.assistant("re:one", 2_002),
            // Its process closed without answering it.
            new ChatMessage(Role.USER, "two", 2_003, MessageStatus.INTERRUPTED)),
        after.conversationHistory());
    assertEquals(
        new Session(
            "session_kept",
            "anon_owner",
            after.conversationHistory(),
            OptionalInt.of(15),
            Mode.EDUCATIONAL,
            SafetyTier.MODERATE,
            SessionStatus.ACTIVE,
            1_000,
            2_003),
        after);
    assertEquals(before.updatedAt(), after.updatedAt());
  }

  @Test
  void aSessionCreatedWithAHistoryReadsBackAsItWas() {
    JdbcSessionStore store = open();
    Session session =
        new Session(
            "session_history",
            "anon_owner",
            List.of(
                ChatMessage.user("one", 1),
                ChatMessage.assistant("re:one", 2),
                ChatMessage.assistant("and more", 3),
                ChatMessage.user("two", 4),
                ChatMessage.user("three", 5),
                ChatMessage.assistant("re:three", 6),
                ChatMessage.pending("four", 7)),
            OptionalInt.of(30),
            Mode.URGENCY,
            SafetyTier.CRITICAL,
            SessionStatus.CLOSED,
            1,
            7);

    done(store.create(session));

    assertEquals(Optional.of(session), done(store.find("session_history")));
  }

  @Test
  void waitingWritesShareOneTransaction() {
    JdbcSessionStore store = open();
    created(store, "session_group");
    int writes = 100;
    Runnable resume = store.holdWriter();
    long before = store.transactions();
    List<CompletionStage<Boolean>> accepts = new ArrayList<>();
    for (int i = 0; i < writes; i++) {
      accepts.add(store.accept("session_group", ChatMessage.user("m" + i, i)));
    }

    resume.run();
    accepts.forEach(DurableStoreContract::done);

    long transactions = store.transactions() - before;
    assertTrue(transactions < writes, transactions + " transactions for " + writes + " writes");
    assertEquals(writes, transcript(store, "session_group").size());
  }

  /**
   * Queues {@link GroupCommitWriter#BUSY_AFTER} messages on {@code sessionId} while the writer is
   * held, so that they come in during a batch, as under load, lets the writer go, and waits until
   * it waits for company. {@return their stages}
   */
  static List<CompletionStage<Boolean>> arriveDuringABatch(
      JdbcSessionStore store, String sessionId) {
    Runnable resume = store.holdWriter();
    List<CompletionStage<Boolean>> accepts = new ArrayList<>();
    for (int i = 0; i < GroupCommitWriter.BUSY_AFTER; i++) {
      accepts.add(store.accept(sessionId, ChatMessage.user("busy" + i, i)));
    }
    resume.run();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!store.writerAwaitsCompany()) {
      assertTrue(System.nanoTime() < deadline, "the writer did not wait for company");
      Thread.onSpinWait();
    }
    return accepts;
  }

  /** Adds messages on {@code sessionId} to {@code stages} until it holds as many as end a wait. */
  static void fillToGatherUpTo(
      JdbcSessionStore store, String sessionId, List<CompletionStage<Boolean>> stages) {
    for (int i = stages.size(); i < GroupCommitWriter.GATHER_UP_TO; i++) {
      stages.add(store.accept(sessionId, ChatMessage.user("later" + i, 100 + i)));
    }
  }

  @Test
  void writesArrivingDuringABatchWaitForCompanyAndShareTheNextCommit() {
    JdbcSessionStore store = openGatheringForAMinute();
    created(store, "session_busy");
    long before = store.transactions();

    List<CompletionStage<Boolean>> accepts =
        new ArrayList<>(arriveDuringABatch(store, "session_busy"));
    assertTrue(accepts.stream().noneMatch(stage -> stage.toCompletableFuture().isDone()));
    fillToGatherUpTo(store, "session_busy", accepts);
    accepts.forEach(DurableStoreContract::done);

    // The held batch, then one for all the rest.
    assertEquals(2, store.transactions() - before);
    assertEquals(GroupCommitWriter.GATHER_UP_TO, transcript(store, "session_busy").size());
  }

  @Test
  void aWriteAfterTheRushDoesNotWaitForCompany() {
    JdbcSessionStore store = openGatheringForAMinute();
    created(store, "session_after");
    List<CompletionStage<Boolean>> rush =
        new ArrayList<>(arriveDuringABatch(store, "session_after"));
    fillToGatherUpTo(store, "session_after", rush);
    rush.forEach(DurableStoreContract::done);

    // done() gives up after 30 s, long before the minute a wait for company could take.
    assertTrue(done(store.accept("session_after", ChatMessage.user("alone", 500))));
  }

  @Test
  void aWaitForCompanyEndsWhenItsTimeHasPassed() {
    JdbcSessionStore store = openGatheringFor(Duration.ofSeconds(2));
    created(store, "session_alone");

    List<CompletionStage<Boolean>> waiting = arriveDuringABatch(store, "session_alone");

    waiting.forEach(stage -> assertTrue(done(stage)));
    assertEquals(GroupCommitWriter.BUSY_AFTER, transcript(store, "session_alone").size());
  }

  @Test
  void closingEndsAWaitForCompanyAndKeepsItsWrites() {
    JdbcSessionStore store = openGatheringForAMinute();
    created(store, "session_closing");
    List<CompletionStage<Boolean>> waiting =
        new ArrayList<>(arriveDuringABatch(store, "session_closing"));
    waiting.add(store.accept("session_closing", ChatMessage.user("third", 300)));

    store.close();

    waiting.forEach(stage -> assertTrue(done(stage)));
    JdbcSessionStore reopened = open();
    assertEquals(3, transcript(reopened, "session_closing").size());
  }

  @Test
  void aWriteTheDatabaseRefusesFailsOnlyItsOwnStage() throws SQLException {
    JdbcSessionStore store = open();
    created(store, "session_refused");
    refuseMessagesReading("refused");
    Runnable resume = store.holdWriter();
    CompletionStage<Boolean> before = store.accept("session_refused", ChatMessage.user("a", 1));
    CompletionStage<Boolean> refused =
        store.accept("session_refused", ChatMessage.user("refused", 2));
    CompletionStage<Boolean> after = store.accept("session_refused", ChatMessage.user("b", 3));

    resume.run();

    assertTrue(done(before));
    assertTrue(done(after));
    CompletionException e = assertThrows(CompletionException.class, () -> done(refused));
    SQLException failure = assertInstanceOf(SQLException.class, e.getCause());
    assertTrue(
        failure.getMessage().startsWith("the session store's database failed: "),
        failure.getMessage());
    assertFalse(failure.getMessage().contains("refused"), failure.getMessage());
    assertEquals(List.of("user:a:PENDING", "user:b:PENDING"), transcript(store, "session_refused"));
    assertTrue(done(store.accept("session_refused", ChatMessage.user("c", 4))));
  }

  @Test
  void aWriteCompletesOnTheStoresWriterNotOnTheCallersThread() {
    JdbcSessionStore store = open();
    created(store, "session_thread");
    Runnable resume = store.holdWriter();
    CompletableFuture<Boolean> accepted =
        store.accept("session_thread", ChatMessage.user("a", 1)).toCompletableFuture();
    CompletionStage<String> completedOn =
        accepted.thenApply(ok -> Thread.currentThread().getName());

    assertFalse(accepted.isDone());
    resume.run();

    assertEquals(store.name() + "-writer", done(completedOn));
  }

  @Test
  void aFindAfterACompletedWriteSeesIt() {
    JdbcSessionStore store = open();
    created(store, "session_read");
    for (int i = 0; i < 50; i++) {
      String text = "m" + i;
      int expected = i + 1;
      List<ChatMessage> history =
          done(store
                  .accept("session_read", ChatMessage.user(text, i))
                  .thenCompose(ok -> store.find("session_read")))
              .orElseThrow()
              .conversationHistory();

      assertEquals(expected, history.size());
      assertEquals(text, history.get(i).content());
    }
  }

  @Test
  void callsAfterCloseFailAsClosed() {
    JdbcSessionStore store = open();
    created(store, "session_closed");
    store.close();

    CompletionException write =
        assertThrows(
            CompletionException.class,
            () -> done(store.accept("session_closed", ChatMessage.user("late", 1))));
    CompletionException read =
        assertThrows(CompletionException.class, () -> done(store.find("session_closed")));

    assertInstanceOf(IllegalStateException.class, write.getCause());
    assertEquals("the session store is closed", write.getCause().getMessage());
    assertEquals("the session store is closed", read.getCause().getMessage());
  }

  @Test
  void anOpenStoreIsHealthyAndAClosedOneIsNot() {
    JdbcSessionStore store = open();

    assertEquals(StoreHealth.HEALTHY, done(store.health()));
    assertEquals(StoreHealth.HEALTHY, done(store.health()), "and again: one check after another");
    store.close();

    assertEquals(new StoreHealth.Unhealthy("the store is closed"), done(store.health()));
  }

  @Test
  void closeFinishesTheWritesAlreadyCalled() {
    JdbcSessionStore store = open();
    created(store, "session_drained");
    Runnable resume = store.holdWriter();
    List<CompletionStage<Boolean>> accepts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      accepts.add(store.accept("session_drained", ChatMessage.user("m" + i, i)));
    }
    Thread closer = new Thread(store::close, "test-closer");
    closer.start();

    resume.run();
    join(closer);

    accepts.forEach(a -> assertTrue(done(a)));
    assertEquals(3, transcript(open(), "session_drained").size());
  }

  @Test
  void noThreadOfTheStoreRunsAfterClose() {
    JdbcSessionStore store = open();
    created(store, "session_threads");
    done(store.find("session_threads"));
    String name = store.name();

    store.close();

    List<String> left =
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(n -> n.equals(name) || n.startsWith(name + "-") || n.startsWith(name + " "))
            .toList();
    assertEquals(List.of(), left);
  }

  @Test
  void theSweepDeletesSessionsNotWrittenWithinTheTtlWithTheirMessages() throws SQLException {
    JdbcSessionStore store = open();
    created(store, "session_old");
    done(store.accept("session_old", ChatMessage.user("old", 1)));
    clock.advance(Duration.ofMinutes(30));
    created(store, "session_new");
    done(store.accept("session_new", ChatMessage.user("new", 2)));
    clock.advance(Duration.ofMinutes(31));

    done(store.sweepNow());

    assertEquals(Optional.empty(), done(store.find("session_old")));
    assertTrue(done(store.find("session_new")).isPresent());
    assertEquals(1, count("SELECT COUNT(*) FROM sessions"));
    assertEquals(0, count("SELECT COUNT(*) FROM messages WHERE session_id = 'session_old'"));
    assertEquals(1, count("SELECT COUNT(*) FROM messages WHERE session_id = 'session_new'"));
    assertEquals(1, store.size());
  }

  @Test
  void anExpiredSessionIsAbsentBeforeTheSweep() {
    JdbcSessionStore store = open();
    created(store, "session_idle");
    clock.advance(TTL.plusSeconds(1));

    assertEquals(Optional.empty(), done(store.find("session_idle")));
    assertFalse(done(store.accept("session_idle", ChatMessage.user("late", 1))));
  }

  @Test
  void refusesANewSessionWhenFull() {
    JdbcSessionStore store = open(database().withClock(clock).withCapacity(2));
    created(store, "session_a");
    created(store, "session_b");

    CompletionException e =
        assertThrows(CompletionException.class, () -> created(store, "session_c"));

    assertInstanceOf(SessionStoreFullException.class, e.getCause());
    assertEquals("the session store is full (2 sessions)", e.getCause().getMessage());
    assertEquals(Optional.empty(), done(store.find("session_c")));
  }

  @Test
  void countsTheSessionsStoredBeforeItOpened() {
    JdbcStoreConfig full = database().withClock(clock).withCapacity(2);
    JdbcSessionStore first = open(full);
    created(first, "session_a");
    created(first, "session_b");
    first.close();

    JdbcSessionStore second = open(full);

    assertEquals(2, second.size());
    CompletionException e =
        assertThrows(CompletionException.class, () -> created(second, "session_c"));
    assertInstanceOf(SessionStoreFullException.class, e.getCause());
  }

  @Test
  void expiredSessionsFreeTheirPlaces() {
    JdbcSessionStore store = open(database().withClock(clock).withTtl(TTL).withCapacity(1));
    created(store, "session_a");
    clock.advance(TTL.plusSeconds(1));

    created(store, "session_b");

    assertTrue(done(store.find("session_b")).isPresent());
    assertEquals(1, store.size());
  }

  @Test
  void aMessageOwedByAProcessThatStoppedReadsInterruptedOnceItsHeartbeatIsStale()
      throws SQLException {
    // Process A's clock stands still: its heartbeat stays at the start, as if it had died there.
    JdbcSessionStore a = open(database().withClock(MutableClock.atStart()));
    created(a, "session_shared");
    done(a.accept("session_shared", ChatMessage.user("hello", 1)));
    a.stopHeartbeat();
    JdbcSessionStore b = open(database().withSoleProcess(false).withClock(clock));

    clock.advance(Duration.ofSeconds(10));
    assertEquals(List.of("user:hello:PENDING"), transcript(b, "session_shared"));

    clock.advance(Duration.ofSeconds(6));
    assertEquals(List.of("user:hello:INTERRUPTED"), transcript(b, "session_shared"));
    assertEquals("PENDING", storedStatus("session_shared", "hello"));
  }

  @Test
  void aSoleProcessTakesAMessageOwedByAnotherProcessForInterruptedAtOnce() throws SQLException {
    JdbcSessionStore a = open(database().withClock(MutableClock.atStart()));
    created(a, "session_shared");
    done(a.accept("session_shared", ChatMessage.user("hello", 1)));

    JdbcSessionStore b = open(database().withSoleProcess(true).withClock(clock));

    assertEquals(List.of("user:hello:INTERRUPTED"), transcript(b, "session_shared"));
    assertEquals("INTERRUPTED", storedStatus("session_shared", "hello"));
  }

  @Test
  void aSoleProcessReadsEachSessionAsItsDatabaseHoldsIt() {
    JdbcSessionStore sole = open(database().withSoleProcess(true).withClock(clock).withTtl(TTL));
    created(sole, "session_mirrored");
    done(sole.accept("session_mirrored", ChatMessage.user("one", 2_000)));
    done(
        sole.recordProfile(
            "session_mirrored", OptionalInt.of(15), Mode.EDUCATIONAL, SafetyTier.MODERATE, 2_001));
    done(sole.accept("session_mirrored", ChatMessage.user("two", 2_002)));
    done(sole.settle("session_mirrored", Optional.of(ChatMessage.assistant("re:one", 2_003))));
    done(sole.append("session_mirrored", ChatMessage.assistant("spoken", 2_004)));
    done(
        sole.recordProfile(
            "session_mirrored", OptionalInt.empty(), Mode.GREETING, SafetyTier.NORMAL, 2_005));
    done(sole.settle("session_mirrored", Optional.empty()));

    Session remembered = done(sole.find("session_mirrored")).orElseThrow();
    JdbcSessionStore other = open(database().withSoleProcess(false).withClock(clock).withTtl(TTL));
    Session stored = done(other.find("session_mirrored")).orElseThrow();

    assertEquals(stored, remembered);
  }

  @Test
  void aSoleProcessAnswersAReadOfASessionItWroteAtOnce() {
    JdbcSessionStore sole = open(database().withSoleProcess(true).withClock(clock).withTtl(TTL));
    created(sole, "session_near");
    done(sole.accept("session_near", ChatMessage.user("one", 2_000)));

    CompletableFuture<Optional<Session>> read = sole.find("session_near").toCompletableFuture();

    assertTrue(read.isDone());
    assertEquals(1, read.join().orElseThrow().conversationHistory().size());
  }

  @Test
  void aSoleProcessOpenedAgainReadsTheSessionFromTheDatabaseThenKeepsItCurrent() {
    JdbcSessionStore first = open(database().withSoleProcess(true).withClock(clock).withTtl(TTL));
    created(first, "session_reopened");
    done(first.accept("session_reopened", ChatMessage.user("one", 2_000)));
    done(first.settle("session_reopened", Optional.of(ChatMessage.assistant("re:one", 2_001))));
    first.close();
    JdbcSessionStore second = open(database().withSoleProcess(true).withClock(clock).withTtl(TTL));
    Runnable release = second.holdWriter();
    CompletionStage<Boolean> accepted =
        second.accept("session_reopened", ChatMessage.user("two", 2_002));

    Optional<Session> beforeTheWrite = done(second.find("session_reopened"));
    release.run();
    done(accepted);

    assertEquals(2, beforeTheWrite.orElseThrow().conversationHistory().size());
    assertEquals(
        List.of("user:one:COMPLETE", "assistant:re:one:COMPLETE", "user:two:PENDING"),
        transcript(second, "session_reopened"));
  }

  @Test
  void aSoleProcessForgetsASessionOnceItExpires() {
    JdbcSessionStore sole = open(database().withSoleProcess(true).withClock(clock).withTtl(TTL));
    created(sole, "session_brief");

    clock.advance(TTL.plusSeconds(1));

    assertEquals(Optional.empty(), done(sole.find("session_brief")));
    assertFalse(done(sole.accept("session_brief", ChatMessage.user("late", 9_000))));
  }

  @Test
  void settlingSkipsAMessageOfAStoppedProcess() {
    JdbcSessionStore a = open(database().withClock(MutableClock.atStart()));
    created(a, "session_shared");
    done(a.accept("session_shared", ChatMessage.user("lost", 1)));
    a.stopHeartbeat();
    JdbcSessionStore b = open(database().withClock(clock));
    clock.advance(Duration.ofSeconds(16));
    done(b.accept("session_shared", ChatMessage.user("asked", 2)));

    done(b.settle("session_shared", Optional.of(ChatMessage.assistant("re:asked", 3))));

    assertEquals(
        List.of("user:lost:INTERRUPTED", "user:asked:COMPLETE", "assistant:re:asked:COMPLETE"),
        transcript(b, "session_shared"));
  }

  @Test
  void theHeartbeatRecordsTheMessagesOfStoppedProcessesAsInterrupted() throws SQLException {
    JdbcSessionStore a = open(database().withClock(MutableClock.atStart()));
    created(a, "session_shared");
    done(a.accept("session_shared", ChatMessage.user("hello", 1)));
    a.stopHeartbeat();
    JdbcSessionStore b = open(database().withClock(clock));
    clock.advance(Duration.ofSeconds(16));

    done(b.heartbeatNow());

    assertEquals("INTERRUPTED", storedStatus("session_shared", "hello"));
    assertEquals(
        0, count("SELECT COUNT(*) FROM nodes WHERE id = '" + a.nodeId() + "'"), "A forgotten");
  }

  @Test
  void aSoleProcessReportsWhatAnEarlierProcessOwedInterruptedAtOnce() throws SQLException {
    JdbcSessionStore killed = open(database().withClock(clock));
    created(killed, "session_crash");
    done(killed.accept("session_crash", ChatMessage.user("hello", 1)));
    killed.stopHeartbeat(); // killed: neither closed nor beating

    JdbcSessionStore restarted = open(database().withClock(clock).withSoleProcess(true));

    assertEquals(List.of("user:hello:INTERRUPTED"), transcript(restarted, "session_crash"));
    assertEquals("INTERRUPTED", storedStatus("session_crash", "hello"));
  }

  @Test
  void aProcessOwesItsOwnMessagesWhateverItsClockSays() {
    JdbcSessionStore store = open();
    created(store, "session_own");
    done(store.accept("session_own", ChatMessage.user("hello", 1)));
    store.stopHeartbeat();

    clock.advance(Duration.ofMinutes(5));

    assertEquals(List.of("user:hello:PENDING"), transcript(store, "session_own"));
  }

  private static void join(Thread thread) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    assertFalse(thread.isAlive(), thread.getName() + " still running");
  }
}
