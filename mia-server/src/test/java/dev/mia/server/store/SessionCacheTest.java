package dev.mia.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Session;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionCacheTest {
  private static final long LONG_AGO = 0;

  private static Session session(String id) {
    return Session.start(id, "anon_owner", 1_000);
  }

  @Test
  void aReadWithNoWriteSinceItStartedIsKept() {
    SessionCache cache = new SessionCache(10);
    SessionCache.Ticket ticket = cache.startFill("session_a");

    cache.fill(ticket, session("session_a"), 5_000);

    assertEquals(Optional.of(session("session_a")), cache.get("session_a", LONG_AGO));
  }

  @Test
  void aReadThatAWriteOvertookIsNotKept() {
    SessionCache cache = new SessionCache(10);
    SessionCache.Ticket ticket = cache.startFill("session_a");
    cache.written("session_a", s -> s.withMessage(ChatMessage.user("hi", 2_000)), 6_000);

    cache.fill(ticket, session("session_a"), 5_000);

    assertEquals(Optional.empty(), cache.get("session_a", LONG_AGO));
  }

  @Test
  void aWriteChangesTheCachedSession() {
    SessionCache cache = new SessionCache(10);
    cache.created(session("session_a"), 5_000);

    cache.written("session_a", s -> s.withMessage(ChatMessage.user("hi", 2_000)), 6_000);

    assertEquals(1, cache.get("session_a", LONG_AGO).orElseThrow().conversationHistory().size());
  }

  @Test
  void aSessionWrittenBeforeTheExpiryTimeReadsAsAbsent() {
    SessionCache cache = new SessionCache(10);
    cache.created(session("session_a"), 5_000);

    assertEquals(Optional.empty(), cache.get("session_a", 5_001));
  }

  @Test
  void pastItsCapacityTheSessionsWrittenLongestAgoLeave() {
    SessionCache cache = new SessionCache(10);
    for (int i = 0; i < 11; i++) {
      cache.created(session("session_" + i), 1_000 + i);
    }

    assertTrue(cache.size() <= 10);
    assertEquals(Optional.empty(), cache.get("session_0", LONG_AGO));
    assertTrue(cache.get("session_10", LONG_AGO).isPresent());
  }

  @Test
  void aDroppedSessionIsReadFromTheDatabaseAgain() {
    SessionCache cache = new SessionCache(10);
    cache.created(session("session_a"), 5_000);

    cache.drop("session_a");

    assertEquals(Optional.empty(), cache.get("session_a", LONG_AGO));
  }
}
