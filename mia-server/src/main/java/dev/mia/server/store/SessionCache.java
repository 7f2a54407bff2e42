package dev.mia.server.store;

import dev.mia.core.session.Session;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The sessions of a store that is its database's sole process, as its last committed writes left
 * them, so that a read needs no query: each message's turn reads its session once, and that read is
 * most of what the database would otherwise do per message. It holds what the database holds
 * because only this process writes there and the writer applies each committed write here too, in
 * commit order, with the same change {@link dev.mia.core.session.InMemorySessionStore} makes.
 *
 * <p><b>Filling.</b> A session gets in when it is created, or when a read that missed it brings it
 * from the database. Such a read {@linkplain #startFill starts} by taking a ticket; any write to
 * the session committed after that (the read may or may not have seen it) takes the ticket back,
 * and the read's result then stays out: a missed session stays missed until a read finds it with no
 * write in between, so a stale copy never gets in.
 *
 * <p><b>Bounds.</b> At most {@code capacity} sessions, give or take the ones being added: past it,
 * the tenth written longest ago leave. A session past its time to live reads as absent, as in the
 * database. A write that fails drops its session, since whether the database took it is unknown.
 *
 * <p>Reads from any thread; every change but a fill from the writer thread only. Each session's
 * changes go through {@link ConcurrentHashMap#compute} on its key, which orders a fill against the
 * writer's changes to the same session.
 */
final class SessionCache {
  /** A cached session, and when it was last written (what its time to live counts from). */
  private record Entry(Session session, long writtenAt) {}

  /** A read's claim to put what it finds, valid until a write to the session commits. */
  static final class Ticket {
    private final String sessionId;

    private Ticket(String sessionId) {
      this.sessionId = sessionId;
    }
  }

  private final int capacity;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Ticket> fills = new ConcurrentHashMap<>();

  SessionCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity < 1: " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * {@return the session, if cached and written at or after {@code expiredBefore}} An absent answer
   * says nothing: the database may hold it.
   */
  Optional<Session> get(String sessionId, long expiredBefore) {
    Entry entry = entries.get(sessionId);
    if (entry == null || entry.writtenAt() < expiredBefore) {
      return Optional.empty();
    }
    return Optional.of(entry.session());
  }

  /** Takes a ticket for a read of {@code sessionId} about to start; it replaces an older one. */
  Ticket startFill(String sessionId) {
    Ticket ticket = new Ticket(sessionId);
    fills.put(sessionId, ticket);
    return ticket;
  }

  /**
   * Puts what the read of {@code ticket} found, written at {@code writtenAt}, unless a write to the
   * session committed since the ticket was taken or the session is cached already. Any thread.
   */
  void fill(Ticket ticket, Session found, long writtenAt) {
    entries.compute(
        ticket.sessionId,
        (id, cached) -> {
          if (cached != null || !fills.remove(id, ticket)) {
            return cached;
          }
          return new Entry(found, writtenAt);
        });
    trimIfFull();
  }

  /** Forgets the ticket of a read that found nothing or failed. Any thread. */
  void endFill(Ticket ticket) {
    fills.remove(ticket.sessionId, ticket);
  }

  /** Caches a session just created, written at {@code writtenAt}. Writer thread. */
  void created(Session session, long writtenAt) {
    entries.compute(
        session.sessionId(),
        (id, cached) -> {
          fills.remove(id);
          return new Entry(session, writtenAt);
        });
    trimIfFull();
  }

  /**
   * Applies a committed write to {@code sessionId}: {@code change} to its session and a new written
   * time, if cached; if not, ends any read's claim to cache it. Writer thread.
   */
  void written(String sessionId, UnaryOperator<Session> change, long writtenAt) {
    entries.compute(
        sessionId,
        (id, cached) -> {
          fills.remove(id);
          return cached == null ? null : new Entry(change.apply(cached.session()), writtenAt);
        });
  }

  /** Drops {@code sessionId}: gone from the database, or its write's outcome is unknown. */
  void drop(String sessionId) {
    entries.compute(
        sessionId,
        (id, cached) -> {
          fills.remove(id);
          return null;
        });
  }

  /** Drops every session written before {@code expiredBefore}. Writer thread. */
  void dropExpired(long expiredBefore) {
    entries.entrySet().removeIf(e -> e.getValue().writtenAt() < expiredBefore);
  }

  /** Drops everything: after a failure whose sessions are unknown. */
  void clear() {
    fills.clear();
    entries.clear();
  }

  /** {@return how many sessions are cached} */
  int size() {
    return entries.size();
  }

  /** Past capacity, lets the tenth of the sessions written longest ago go. */
  private void trimIfFull() {
    if (entries.size() <= capacity) {
      return;
    }
    List<Map.Entry<String, Entry>> all = new ArrayList<>(entries.entrySet());
    all.sort(Comparator.comparingLong(e -> e.getValue().writtenAt()));
    int leave = Math.max(1, capacity / 10) + (all.size() - capacity);
    for (Map.Entry<String, Entry> e : all.subList(0, Math.min(leave, all.size()))) {
      entries.remove(e.getKey(), e.getValue());
    }
  }
}
