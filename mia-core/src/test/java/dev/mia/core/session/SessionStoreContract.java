package dev.mia.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.testing.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionStore} does, whatever keeps its sessions: extend it with a store made
 * fresh for each test ({@link #newStore}). The in-memory store and each durable store run it.
 */
abstract class SessionStoreContract {
  private static final AtomicInteger IDS = new AtomicInteger();

  /** {@return an empty store, for one test} */
  abstract SessionStore newStore();

  SessionStore store;

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
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

  /** {@return a session with an id no other test uses} */
  static Session newSession() {
    return Session.start("session_contract_" + IDS.incrementAndGet(), "anon_owner", 1_000);
  }

  private Session created() {
    Session s = newSession();
    done(store.create(s));
    return s;
  }

  private List<String> transcript(String sessionId) {
    return done(store.find(sessionId)).orElseThrow().conversationHistory().stream()
        .map(m -> m.role().wireName() + ":" + m.content() + ":" + m.status())
        .toList();
  }

  @Test
  void findsNothingForAnUnknownId() {
    assertEquals(Optional.empty(), done(store.find("session_nobody")));
  }

  @Test
  void findsACreatedSessionAsItWasCreated() {
    Session created = created();

    assertEquals(Optional.of(created), done(store.find(created.sessionId())));
  }

  @Test
  void refusesASecondSessionWithTheSameId() {
    Session first = created();

    CompletionException e =
        assertThrows(CompletionException.class, () -> done(store.create(first)));

    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertEquals(Optional.of(first), done(store.find(first.sessionId())));
  }

  @Test
  void anAcceptedMessageIsStoredAsOwed() {
    Session s = created();

    assertTrue(done(store.accept(s.sessionId(), ChatMessage.user("Hello", 1_500))));

    assertEquals(
        List.of(ChatMessage.pending("Hello", 1_500)),
        done(store.find(s.sessionId())).orElseThrow().conversationHistory());
  }

  @Test
  void acceptingForAnUnknownSessionStoresNothing() {
    assertFalse(done(store.accept("session_none", ChatMessage.user("Hello", 1))));
    assertEquals(Optional.empty(), done(store.find("session_none")));
  }

  @Test
  void settlingPutsTheReplyRightAfterTheOldestOwedMessage() {
    Session s = created();
    done(store.accept(s.sessionId(), ChatMessage.user("one", 1)));
    done(store.accept(s.sessionId(), ChatMessage.user("two", 2)));

    assertTrue(done(store.settle(s.sessionId(), Optional.of(ChatMessage.assistant("re:one", 3)))));

    assertEquals(
        List.of("user:one:COMPLETE", "assistant:re:one:COMPLETE", "user:two:PENDING"),
        transcript(s.sessionId()));
  }

  @Test
  void aConversationReadsAsItWentWhateverWaited() {
    Session s = created();
    done(store.accept(s.sessionId(), ChatMessage.user("one", 1)));
    done(store.accept(s.sessionId(), ChatMessage.user("two", 2)));
    done(store.settle(s.sessionId(), Optional.of(ChatMessage.assistant("re:one", 3))));
    done(store.accept(s.sessionId(), ChatMessage.user("three", 4)));
    done(store.settle(s.sessionId(), Optional.of(ChatMessage.assistant("re:two", 5))));
    done(store.settle(s.sessionId(), Optional.of(ChatMessage.assistant("re:three", 6))));

    assertEquals(
        List.of(
            "user:one:COMPLETE",
            "assistant:re:one:COMPLETE",
            "user:two:COMPLETE",
            "assistant:re:two:COMPLETE",
            "user:three:COMPLETE",
            "assistant:re:three:COMPLETE"),
        transcript(s.sessionId()));
  }

  @Test
  void settlingWithoutAReplyEndsTheOwedMessageOnly() {
    Session s = created();
    done(store.accept(s.sessionId(), ChatMessage.user("one", 1)));

    assertTrue(done(store.settle(s.sessionId(), Optional.empty())));

    assertEquals(List.of("user:one:COMPLETE"), transcript(s.sessionId()));
  }

  @Test
  void settlingAnUnknownSessionReportsIt() {
    assertFalse(done(store.settle("session_none", Optional.empty())));
  }

  @Test
  void anAppendedMessageOwesNothingAndGoesAtTheEnd() {
    Session s = created();
    done(store.accept(s.sessionId(), ChatMessage.user("typed", 1)));

    assertTrue(done(store.append(s.sessionId(), ChatMessage.pending("spoken", 2))));
    assertTrue(done(store.append(s.sessionId(), ChatMessage.assistant("said", 3))));

    assertEquals(
        List.of("user:typed:PENDING", "user:spoken:COMPLETE", "assistant:said:COMPLETE"),
        transcript(s.sessionId()));
  }

  @Test
  void aReplySettlingAnOlderMessageGoesBeforeWhatWasAppendedSince() {
    Session s = created();
    done(store.accept(s.sessionId(), ChatMessage.user("typed", 1)));
    done(store.append(s.sessionId(), ChatMessage.user("spoken", 2)));

    done(store.settle(s.sessionId(), Optional.of(ChatMessage.assistant("re:typed", 3))));

    assertEquals(
        List.of("user:typed:COMPLETE", "assistant:re:typed:COMPLETE", "user:spoken:COMPLETE"),
        transcript(s.sessionId()));
  }

  @Test
  void appendingToAnUnknownSessionReportsIt() {
    assertFalse(done(store.append("session_none", ChatMessage.user("Hello", 1))));
    assertEquals(Optional.empty(), done(store.find("session_none")));
  }

  @Test
  void theProfileOfAMessageIsRecorded() {
    Session s = created();

    assertTrue(
        done(
            store.recordProfile(
                s.sessionId(), OptionalInt.of(15), Mode.EDUCATIONAL, SafetyTier.CRITICAL, 2_000)));

    Session stored = done(store.find(s.sessionId())).orElseThrow();
    assertEquals(OptionalInt.of(15), stored.age());
    assertEquals(Mode.EDUCATIONAL, stored.mode());
    assertEquals(SafetyTier.CRITICAL, stored.safetyTier());
  }

  @Test
  void aCalmerMessageKeepsTheStoredAgeAndAlertTier() {
    Session s = created();
    done(
        store.recordProfile(
            s.sessionId(), OptionalInt.of(15), Mode.URGENCY, SafetyTier.CRITICAL, 2_000));

    done(
        store.recordProfile(
            s.sessionId(), OptionalInt.empty(), Mode.EDUCATIONAL, SafetyTier.NORMAL, 3_000));

    Session stored = done(store.find(s.sessionId())).orElseThrow();
    assertEquals(OptionalInt.of(15), stored.age());
    assertEquals(Mode.EDUCATIONAL, stored.mode());
    assertEquals(SafetyTier.CRITICAL, stored.safetyTier());
  }

  @Test
  void recordingTheProfileOfAnUnknownSessionReportsIt() {
    assertFalse(
        done(
            store.recordProfile(
                "session_none", OptionalInt.empty(), Mode.GREETING, SafetyTier.NORMAL, 1)));
  }

  @Test
  void writesToOneSessionTakeEffectInTheOrderTheyWereMade() {
    Session s = created();
    List<CompletionStage<?>> writes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      writes.add(store.accept(s.sessionId(), ChatMessage.user("m" + i, i)));
      writes.add(store.settle(s.sessionId(), Optional.of(ChatMessage.assistant("re:m" + i, i))));
    }
    writes.forEach(SessionStoreContract::done);

    List<String> transcript = transcript(s.sessionId());
    for (int i = 0; i < 50; i++) {
      assertEquals("user:m" + i + ":COMPLETE", transcript.get(2 * i));
      assertEquals("assistant:re:m" + i + ":COMPLETE", transcript.get(2 * i + 1));
    }
  }

  @Test
  void concurrentAcceptsFromManyThreadsLoseNothing() {
    Session s = created();
    int threads = 8;
    int perThread = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String writer = "w" + t;
        writers.add(
            pool.submit(
                () -> {
                  Await.latch(go, "the start signal");
                  List<CompletionStage<Boolean>> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    mine.add(store.accept(s.sessionId(), ChatMessage.user(writer + ":" + i, i)));
                  }
                  mine.forEach(SessionStoreContract::done);
                }));
      }
      go.countDown();
      writers.forEach(w -> Await.future(w, "a writer"));
    } finally {
      pool.shutdownNow();
    }

    List<ChatMessage> history = done(store.find(s.sessionId())).orElseThrow().conversationHistory();
    assertEquals(threads * perThread, history.size());
    for (int t = 0; t < threads; t++) {
      String prefix = "w" + t + ":";
      List<String> own =
          history.stream().map(ChatMessage::content).filter(c -> c.startsWith(prefix)).toList();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        expected.add(prefix + i);
      }
      assertEquals(expected, own, "messages of " + prefix + " in their order");
    }
  }

  @Test
  void messageTextIsStoredExactly() {
    Session s = created();
    String text = "emoji 😀, quotes \"'`, nul-free control \t\n, accents é, RTL שלום, ©";
    done(store.accept(s.sessionId(), ChatMessage.user(text, 1)));

    assertEquals(
        text, done(store.find(s.sessionId())).orElseThrow().conversationHistory().get(0).content());
  }

  @Test
  void progressMarkersAreKeptWithTheSessionInOrder() {
    Session s = created();
    ProgressMarker first =
        new ProgressMarker("marker_a", ProgressMarker.SKILL_ACQUIRED, "Breathed", 2_000, 0.6);
    ProgressMarker second =
        new ProgressMarker("marker_b", ProgressMarker.SKILL_ACQUIRED, "Grounded", 3_000, 0.5);

    assertTrue(done(store.recordProgress(s.sessionId(), first)));
    assertTrue(done(store.recordProgress(s.sessionId(), second)));

    assertEquals(List.of(first, second), done(store.progress(s.sessionId())));
  }

  @Test
  void feedbackIsKeptWithTheSessionInOrder() {
    Session s = created();
    Feedback good = new Feedback(5, Optional.of("thank you 🙏"), 2_000);
    Feedback bare = new Feedback(3, Optional.empty(), 3_000);

    assertTrue(done(store.recordFeedback(s.sessionId(), good)));
    assertTrue(done(store.recordFeedback(s.sessionId(), bare)));

    assertEquals(List.of(good, bare), done(store.feedback(s.sessionId())));
  }

  @Test
  void progressAndFeedbackForAnUnknownSessionAreRefused() {
    assertFalse(
        done(
            store.recordProgress(
                "session_none",
                new ProgressMarker("marker_x", ProgressMarker.SKILL_ACQUIRED, "x", 1, 0.1))));
    assertFalse(done(store.recordFeedback("session_none", new Feedback(4, Optional.empty(), 1))));
    assertEquals(List.of(), done(store.progress("session_none")));
    assertEquals(List.of(), done(store.feedback("session_none")));
  }
}
