package dev.mia.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.testing.Await;
import dev.mia.core.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest {
  private static final Duration TTL = Duration.ofHours(24);

  private final FakeTicker ticker = new FakeTicker();
  private final InMemorySessionStore store = new InMemorySessionStore(TTL, 10, ticker);

  private static Session session(String id) {
    return Session.start(id, "anon_owner", 1_000);
  }

  @Test
  void findsNothingForAnUnknownId() {
    assertEquals(Optional.empty(), store.find("session_nobody"));
  }

  @Test
  void findsACreatedSession() {
    Session created = session("session_a");

    store.create(created);

    assertEquals(Optional.of(created), store.find("session_a"));
  }

  @Test
  void refusesASecondSessionWithTheSameId() {
    store.create(session("session_a"));

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> store.create(session("session_a")));

    assertEquals("a session with this id exists: session_a", e.getMessage());
  }

  @Test
  void refusedDuplicateLeavesTheFirstSessionInPlace() {
    Session first = session("session_a");
    store.create(first);

    assertThrows(IllegalStateException.class, () -> store.create(session("session_a")));

    assertSame(first, store.find("session_a").orElseThrow());
    assertEquals(1, store.size());
  }

  @Test
  void updateStoresAndReturnsTheChangedSession() {
    store.create(session("session_a"));

    Optional<Session> updated =
        store.update(
            "session_a",
            s -> s.withProfile(OptionalInt.of(15), Mode.EDUCATIONAL, SafetyTier.NORMAL, 2_000));

    assertEquals(Mode.EDUCATIONAL, updated.orElseThrow().mode());
    assertEquals(updated, store.find("session_a"));
  }

  @Test
  void updateOfAnUnknownSessionReturnsEmptyAndCreatesNothing() {
    Optional<Session> updated = store.update("session_none", s -> s);

    assertEquals(Optional.empty(), updated);
    assertEquals(Optional.empty(), store.find("session_none"));
  }

  @Test
  void appendAddsTheMessageToTheStoredHistory() {
    store.create(session("session_a"));
    ChatMessage hello = ChatMessage.user("Hello", 1_500);

    store.append("session_a", hello);

    assertEquals(List.of(hello), store.find("session_a").orElseThrow().conversationHistory());
  }

  @Test
  void appendToAnUnknownSessionReturnsEmpty() {
    assertEquals(Optional.empty(), store.append("session_none", ChatMessage.user("Hello", 1)));
  }

  @Test
  void refusesANewSessionWhenFull() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 2, ticker);
    small.create(session("session_a"));
    small.create(session("session_b"));

    SessionStoreFullException e =
        assertThrows(SessionStoreFullException.class, () -> small.create(session("session_c")));

    assertEquals("the session store is full (2 sessions)", e.getMessage());
  }

  @Test
  void fullStoreKeepsTheSessionsItHolds() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 1, ticker);
    small.create(session("session_a"));

    assertThrows(SessionStoreFullException.class, () -> small.create(session("session_b")));

    assertTrue(small.find("session_a").isPresent());
    assertEquals(Optional.empty(), small.find("session_b"));
    assertEquals(1, small.size());
  }

  @Test
  void forgetsASessionIdleLongerThanTheTtl() {
    store.create(session("session_a"));

    ticker.advance(TTL.plusSeconds(1));

    assertEquals(Optional.empty(), store.find("session_a"));
  }

  @Test
  void keepsASessionThatWasReadWithinTheTtl() {
    store.create(session("session_a"));

    ticker.advance(TTL.minusHours(1));
    store.find("session_a");
    ticker.advance(TTL.minusHours(1));

    assertTrue(store.find("session_a").isPresent());
  }

  @Test
  void updateOfAnExpiredSessionReturnsEmpty() {
    store.create(session("session_a"));
    ticker.advance(TTL.plusSeconds(1));

    assertEquals(Optional.empty(), store.append("session_a", ChatMessage.user("Hello", 1)));
  }

  @Test
  void expiredSessionsFreeTheirPlaces() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 1, ticker);
    small.create(session("session_a"));
    ticker.advance(TTL.plusSeconds(1));

    small.create(session("session_b"));

    assertTrue(small.find("session_b").isPresent());
    assertEquals(1, small.size());
  }

  @Test
  void sessionExpiredDuringAnUpdateFreesItsPlace() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 1, ticker);
    small.create(session("session_a"));
    ticker.advance(TTL.plusSeconds(1));
    small.append("session_a", ChatMessage.user("Hello", 1));

    small.create(session("session_b"));

    assertEquals(1, small.size());
  }

  @Test
  void concurrentAppendsFromManyThreadsLoseNothing() {
    store.create(session("session_a"));
    int threads = 8;
    int perThread = 250;
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
                  for (int i = 0; i < perThread; i++) {
                    store.append("session_a", ChatMessage.user(writer + ":" + i, i));
                  }
                }));
      }
      go.countDown();
      writers.forEach(w -> Await.future(w, "a writer"));
    } finally {
      pool.shutdownNow();
    }

    List<ChatMessage> history = store.find("session_a").orElseThrow().conversationHistory();

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
  void concurrentCreatesNeverExceedTheCapacity() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 50, ticker);
    int attempts = 400;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> creators = new ArrayList<>();
    try {
      for (int i = 0; i < attempts; i++) {
        String id = "session_" + i;
        creators.add(
            pool.submit(
                () -> {
                  Await.latch(go, "the start signal");
                  try {
                    small.create(session(id));
                    return true;
                  } catch (SessionStoreFullException e) {
                    return false;
                  }
                }));
      }
      go.countDown();
      long created = creators.stream().filter(c -> Await.future(c, "a creator")).count();

      assertEquals(50, created);
      assertEquals(50, small.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void ttlMustBePositive() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new InMemorySessionStore(Duration.ZERO, 10));

    assertEquals("ttl must be positive, was PT0S", e.getMessage());
  }

  @Test
  void capacityMustBeAtLeastOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new InMemorySessionStore(TTL, 0));

    assertEquals("capacity must be at least 1, was 0", e.getMessage());
  }
}
