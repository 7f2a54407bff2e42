package dev.mia.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.testing.Await;
import dev.mia.core.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The in-memory store: the shared contract, plus idle expiry and a fixed capacity. */
class InMemorySessionStoreTest extends SessionStoreContract {
  private static final Duration TTL = Duration.ofHours(24);

  private final FakeTicker ticker = new FakeTicker();

  @Override
  SessionStore newStore() {
    return new InMemorySessionStore(TTL, 10_000, ticker);
  }

  private static Session session(String id) {
    return Session.start(id, "anon_owner", 1_000);
  }

  @Test
  void everyStageIsCompleteWhenReturned() {
    assertTrue(store.create(session("session_a")).toCompletableFuture().isDone());
    assertTrue(store.find("session_a").toCompletableFuture().isDone());
  }

  @Test
  void isAlwaysHealthyAndSaysSoAtOnce() {
    assertEquals(StoreHealth.HEALTHY, store.health().toCompletableFuture().getNow(null));
  }

  @Test
  void refusesANewSessionWhenFull() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 2, ticker);
    done(small.create(session("session_a")));
    done(small.create(session("session_b")));

    CompletionException e =
        assertThrows(CompletionException.class, () -> done(small.create(session("session_c"))));

    assertInstanceOf(SessionStoreFullException.class, e.getCause());
    assertEquals("the session store is full (2 sessions)", e.getCause().getMessage());
  }

  @Test
  void fullStoreKeepsTheSessionsItHolds() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 1, ticker);
    done(small.create(session("session_a")));

    assertThrows(CompletionException.class, () -> done(small.create(session("session_b"))));

    assertTrue(done(small.find("session_a")).isPresent());
    assertEquals(Optional.empty(), done(small.find("session_b")));
    assertEquals(1, small.size());
  }

  @Test
  void forgetsASessionIdleLongerThanTheTtl() {
    done(store.create(session("session_a")));

    ticker.advance(TTL.plusSeconds(1));

    assertEquals(Optional.empty(), done(store.find("session_a")));
  }

  @Test
  void keepsASessionThatWasReadWithinTheTtl() {
    done(store.create(session("session_a")));

    ticker.advance(TTL.minusHours(1));
    done(store.find("session_a"));
    ticker.advance(TTL.minusHours(1));

    assertTrue(done(store.find("session_a")).isPresent());
  }

  @Test
  void acceptingForAnExpiredSessionStoresNothing() {
    done(store.create(session("session_a")));
    ticker.advance(TTL.plusSeconds(1));

    assertFalse(done(store.accept("session_a", ChatMessage.user("Hello", 1))));
  }

  @Test
  void expiredSessionsFreeTheirPlaces() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 1, ticker);
    done(small.create(session("session_a")));
    ticker.advance(TTL.plusSeconds(1));

    done(small.create(session("session_b")));

    assertTrue(done(small.find("session_b")).isPresent());
    assertEquals(1, small.size());
  }

  @Test
  void sessionExpiredDuringAWriteFreesItsPlace() {
    InMemorySessionStore small = new InMemorySessionStore(TTL, 1, ticker);
    done(small.create(session("session_a")));
    ticker.advance(TTL.plusSeconds(1));
    done(small.accept("session_a", ChatMessage.user("Hello", 1)));

    done(small.create(session("session_b")));

    assertEquals(1, small.size());
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
                    done(small.create(session(id)));
                    return true;
                  } catch (CompletionException e) {
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
