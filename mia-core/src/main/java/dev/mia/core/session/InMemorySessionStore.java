package dev.mia.core.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The {@link SessionStore} for tests and embedding: sessions in memory, forgotten after an idle
 * time or when the process ends, at most a fixed number at once. A full store refuses new sessions
 * rather than evicting live ones, since an evicted conversation would be lost without notice. Every
 * stage it returns is already complete: its callers never change threads.
 */
public final class InMemorySessionStore implements SessionStore {
  /** Idle time after which a session is forgotten, unless configured: 24 hours. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  /** Sessions held at most, unless configured. */
  public static final long DEFAULT_CAPACITY = 100_000;

  private final Cache<String, Session> sessions;
  // What a session gathers besides its history; dropped with the session.
  private final Map<String, List<ProgressMarker>> progress = new ConcurrentHashMap<>();
  private final Map<String, List<Feedback>> feedback = new ConcurrentHashMap<>();
  private final long capacity;
  // Counts sessions held: Caffeine's estimatedSize lags behind concurrent inserts.
  private final AtomicLong held = new AtomicLong();

  /** A store with the default idle time and capacity. */
  public InMemorySessionStore() {
    this(DEFAULT_TTL, DEFAULT_CAPACITY, Ticker.systemTicker());
  }

  /** A store whose sessions expire after {@code ttl} without a read or write. */
  public InMemorySessionStore(Duration ttl, long capacity) {
    this(ttl, capacity, Ticker.systemTicker());
  }

  InMemorySessionStore(Duration ttl, long capacity, Ticker ticker) {
    Objects.requireNonNull(ttl, "ttl == null");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.sessions =
        Caffeine.newBuilder()
            .expireAfterAccess(ttl)
            .ticker(ticker)
            .executor(Runnable::run)
            .evictionListener(
                (String id, Session s, RemovalCause cause) -> {
                  held.decrementAndGet();
                  progress.remove(id);
                  feedback.remove(id);
                })
            .build();
  }

  @Override
  public CompletionStage<Optional<Session>> find(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    return CompletableFuture.completedFuture(Optional.ofNullable(sessions.getIfPresent(sessionId)));
  }

  @Override
  public CompletionStage<Void> create(Session session) {
    Objects.requireNonNull(session, "session == null");
    if (held.incrementAndGet() > capacity) {
      sessions.cleanUp();
      if (held.get() > capacity) {
        held.decrementAndGet();
        return CompletableFuture.failedFuture(new SessionStoreFullException(capacity));
      }
    }
    Session previous = sessions.asMap().putIfAbsent(session.sessionId(), session);
    if (previous != null) {
      held.decrementAndGet();
      return CompletableFuture.failedFuture(
          new IllegalStateException("a session with this id exists: " + session.sessionId()));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> accept(String sessionId, ChatMessage message) {
    Objects.requireNonNull(message, "message == null");
    return CompletableFuture.completedFuture(
        update(sessionId, s -> s.withAccepted(message)).isPresent());
  }

  @Override
  public CompletionStage<Boolean> append(String sessionId, ChatMessage message) {
    Objects.requireNonNull(message, "message == null");
    ChatMessage complete = message.withStatus(MessageStatus.COMPLETE);
    return CompletableFuture.completedFuture(
        update(sessionId, s -> s.withMessage(complete)).isPresent());
  }

  @Override
  public CompletionStage<Boolean> recordProfile(
      String sessionId, OptionalInt age, Mode mode, SafetyTier tier, long now) {
    Objects.requireNonNull(age, "age == null");
    Objects.requireNonNull(mode, "mode == null");
    Objects.requireNonNull(tier, "tier == null");
    return CompletableFuture.completedFuture(
        update(
                sessionId,
                s ->
                    s.withProfile(
                        age.isPresent() ? age : s.age(),
                        mode,
                        tier.raisesAlert() ? tier : s.safetyTier(),
                        now))
            .isPresent());
  }

  @Override
  public CompletionStage<Boolean> settle(String sessionId, Optional<ChatMessage> reply) {
    Objects.requireNonNull(reply, "reply == null");
    return CompletableFuture.completedFuture(
        update(sessionId, s -> s.withSettled(reply)).isPresent());
  }

  @Override
  public CompletionStage<Boolean> recordProgress(String sessionId, ProgressMarker marker) {
    Objects.requireNonNull(marker, "marker == null");
    return CompletableFuture.completedFuture(add(sessionId, progress, marker));
  }

  @Override
  public CompletionStage<Boolean> recordFeedback(String sessionId, Feedback given) {
    Objects.requireNonNull(given, "feedback == null");
    return CompletableFuture.completedFuture(add(sessionId, feedback, given));
  }

  @Override
  public CompletionStage<List<ProgressMarker>> progress(String sessionId) {
    return CompletableFuture.completedFuture(
        List.copyOf(progress.getOrDefault(sessionId, List.of())));
  }

  @Override
  public CompletionStage<List<Feedback>> feedback(String sessionId) {
    return CompletableFuture.completedFuture(
        List.copyOf(feedback.getOrDefault(sessionId, List.of())));
  }

  /** Adds {@code item} to the session's list, if the session is held; as one step with it. */
  private <T> boolean add(String sessionId, Map<String, List<T>> lists, T item) {
    return update(
            sessionId,
            s -> {
              lists.computeIfAbsent(sessionId, id -> new CopyOnWriteArrayList<>()).add(item);
              return s;
            })
        .isPresent();
  }

  /** {@return how many sessions the store holds now} */
  long size() {
    sessions.cleanUp();
    return held.get();
  }

  private Optional<Session> update(String sessionId, UnaryOperator<Session> change) {
    Objects.requireNonNull(sessionId, "sessionId == null");
    return Optional.ofNullable(
        sessions.asMap().computeIfPresent(sessionId, (id, session) -> change.apply(session)));
  }
}
