package dev.mia.core.conversation;

import dev.mia.core.exercise.GuidedExercise;
import dev.mia.core.exercise.GuidedExercises;
import dev.mia.core.model.ChatModel;
import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.model.ReplyStream;
import dev.mia.core.profile.AgeDetector;
import dev.mia.core.profile.Mode;
import dev.mia.core.profile.ModeSelector;
import dev.mia.core.profile.Profiles;
import dev.mia.core.safety.CrisisResource;
import dev.mia.core.safety.CrisisResources;
import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyClassifiers;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.Identifiers;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.session.MessageStatus;
import dev.mia.core.session.ProgressMarker;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStore;
import dev.mia.core.session.SessionStoreFullException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mia's conversation engine: joins users to their sessions and runs each user message through the
 * message flow (store it, assess safety, detect age, choose the mode, stream the model's reply,
 * store the reply), reporting to a {@link ReplyListener}.
 *
 * <p>Thread-safe; no method waits for the model, and the {@code …Async} methods wait for nothing:
 * they return stages that complete when the session store has done its part (at once with the
 * in-memory store). A message is stored before {@link #submitAsync} reports it accepted, and its
 * reply before {@link ReplyListener#onComplete}. Messages of one session are processed one after
 * another in the order they were accepted, never interleaved, across every process sharing the
 * store (see {@link SessionLocks}); different sessions run in parallel. A reply keeps streaming and
 * is stored even if nobody listens any more, so a client that reconnects finds it in the history.
 * Build one with {@link #builder()} and {@link #close()} it at shutdown.
 */
public final class ConversationEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConversationEngine.class);

  private final SessionStore store;
  private final SessionLocks locks;
  private final SafetyClassifier classifier;
  private final AgeDetector ageDetector;
  private final ModeSelector modeSelector;
  private final ChatModel model;
  private final SystemPrompts prompts;
  private final List<CrisisResource> resources;
  private final GuidedExercises exercises;
  private final Identifiers ids;
  private final Clock clock;
  private final int maxMessageChars;
  private final int historyLimit;
  private final Duration idleTimeout;
  private final UserRateLimiter rateLimiter;
  private final SessionLanes lanes;
  private final Executor turns;
  private final Supplier<Executor> placement;
  private final ConversationObserver observer;
  // The default turn pool, owned and closed by the engine; empty when turns run elsewhere.
  private final Optional<ExecutorService> ownTurns;
  private final ScheduledExecutorService watchdog;
  private final Voice voice;
  private final AtomicInteger activeTurns = new AtomicInteger();
  private final int maxActiveTurns;
  // An average of recent turns' durations, for the wait a refused message is told to take.
  private volatile long typicalTurnMillis = 1_000;
  private volatile boolean closed;

  private ConversationEngine(Builder b) {
    this.store = b.store;
    this.locks = b.locks;
    this.classifier = b.classifier;
    this.ageDetector = b.ageDetector;
    this.modeSelector = b.modeSelector;
    this.model = b.model;
    this.prompts = b.prompts;
    this.resources = b.resources;
    this.exercises = b.exercises;
    this.ids = b.ids;
    this.clock = b.clock;
    this.maxMessageChars = b.maxMessageChars;
    this.historyLimit = b.historyLimit;
    this.idleTimeout = b.idleTimeout;
    this.rateLimiter = b.rateLimiter != null ? b.rateLimiter : UserRateLimiter.local(b.rateLimit);
    this.lanes = new SessionLanes(b.maxQueuedPerSession);
    if (b.turnExecutor != null) {
      this.ownTurns = Optional.empty();
      this.turns = b.turnExecutor;
    } else {
      ExecutorService pool =
          Executors.newFixedThreadPool(
              Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("mia-turn-"));
      this.ownTurns = Optional.of(pool);
      this.turns = pool;
    }
    this.placement = b.turnPlacement != null ? b.turnPlacement : () -> turns;
    this.observer = b.observer;
    this.maxActiveTurns = b.maxActiveTurns;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("mia-model-watchdog-"));
    this.voice =
        new EngineVoice(
            new EngineVoice.Parts(
                store,
                classifier,
                ageDetector,
                modeSelector,
                prompts,
                resources,
                exercises,
                clock,
                maxMessageChars,
                observer,
                rateLimiter,
                () -> closed));
  }

  /** {@return a builder with every part at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the engine's side of voice conversations, whose replies a speech model outside the
   * engine gives: the user's words assessed and kept, Mia's words kept, in the user's sessions}
   */
  public Voice voice() {
    return voice;
  }

  /** {@return a new anonymous user id, unguessable, starting with {@code anon_}} */
  public String newAnonymousUserId() {
    return ids.newAnonymousUserId();
  }

  /**
   * Puts {@code userId} into a session. With no id, or with an id that is unknown or belongs to
   * someone else, a new session is made under a new server-chosen id, so another user's session is
   * indistinguishable from one that does not exist. With the id of one of the user's own sessions,
   * that session is returned with its full history. The stage never fails: a store failure is a
   * {@link JoinResult.Refused} with {@link ErrorCode#STORE_UNAVAILABLE}.
   *
   * @param requestedSessionId the id the client asked for, if any
   */
  public CompletionStage<JoinResult> joinAsync(String userId, Optional<String> requestedSessionId) {
    return joining(userId, requestedSessionId)
        .whenComplete(
            (result, failure) -> {
              if (result instanceof JoinResult.Refused refused) {
                observe(o -> o.refused(refused.error().code()));
              }
            });
  }

  private CompletionStage<JoinResult> joining(String userId, Optional<String> requestedSessionId) {
    Objects.requireNonNull(userId, "userId == null");
    Objects.requireNonNull(requestedSessionId, "requestedSessionId == null");
    if (requestedSessionId.isEmpty()) {
      return startSession(userId);
    }
    String id = requestedSessionId.get();
    if (!Identifiers.isWellFormed(id)) {
      return CompletableFuture.completedFuture(new JoinResult.Refused(malformedSessionId()));
    }
    return store
        .find(id)
        .thenCompose(
            found -> {
              Optional<Session> own = found.filter(s -> s.isOwnedBy(userId));
              return own.isPresent()
                  ? CompletableFuture.completedFuture(
                      (JoinResult) new JoinResult.Joined(own.get(), false))
                  : startSession(userId);
            })
        .exceptionally(e -> new JoinResult.Refused(storeUnavailable(e)));
  }

  /** As {@link #joinAsync}, waiting for the store. */
  public JoinResult join(String userId, Optional<String> requestedSessionId) {
    return joinAsync(userId, requestedSessionId).toCompletableFuture().join();
  }

  private CompletionStage<JoinResult> startSession(String userId) {
    return startSession(Session.start(ids.newSessionId(), userId, clock.millis()));
  }

  private CompletionStage<JoinResult> startSession(Session fresh) {
    String userId = fresh.userId();
    return store
        .create(fresh)
        .handle(
            (done, failure) -> {
              if (failure == null) {
                log.debug("session {} created for {}", fresh.sessionId(), userId);
                observe(o -> o.sessionStarted());
                return new JoinResult.Joined(fresh, true);
              }
              if (unwrap(failure) instanceof SessionStoreFullException full) {
                log.warn("session store full, refusing a new session");
                return new JoinResult.Refused(
                    ConversationError.of(
                        ErrorCode.CAPACITY_EXCEEDED,
                        "The server cannot start a new conversation right now. Please try again"
                            + " later.",
                        full.getMessage()));
              }
              return new JoinResult.Refused(storeUnavailable(failure));
            });
  }

  /**
   * Gives {@code userId} the session {@code sessionId}, starting it under that very id if no
   * session has it, for clients that name their own sessions (a plain-WebSocket client's {@code
   * session_id}). The caller makes such ids unguessable and unique to the user (e.g. derived from
   * the user id); a session of that id that belongs to someone else is refused exactly like an
   * unknown one ({@link ErrorCode#SESSION_NOT_FOUND}). The stage never fails.
   */
  public CompletionStage<JoinResult> openAsync(String userId, String sessionId) {
    Objects.requireNonNull(userId, "userId == null");
    if (!Identifiers.isWellFormed(sessionId)) {
      return CompletableFuture.completedFuture(new JoinResult.Refused(malformedSessionId()));
    }
    return store
        .find(sessionId)
        .thenCompose(
            found -> {
              if (found.isPresent()) {
                return CompletableFuture.completedFuture(
                    found.get().isOwnedBy(userId)
                        ? (JoinResult) new JoinResult.Joined(found.get(), false)
                        : new JoinResult.Refused(
                            ConversationError.of(
                                ErrorCode.SESSION_NOT_FOUND,
                                "Session not found",
                                "no session " + sessionId + " for this user")));
              }
              return startSession(Session.start(sessionId, userId, clock.millis()));
            })
        .exceptionally(e -> new JoinResult.Refused(storeUnavailable(e)));
  }

  /** {@return a stage with the session {@code sessionId} if it belongs to {@code userId}} */
  public CompletionStage<Optional<Session>> sessionAsync(String userId, String sessionId) {
    Objects.requireNonNull(userId, "userId == null");
    if (!Identifiers.isWellFormed(sessionId)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return store.find(sessionId).thenApply(found -> found.filter(s -> s.isOwnedBy(userId)));
  }

  /** As {@link #sessionAsync}, waiting for the store. */
  public Optional<Session> session(String userId, String sessionId) {
    return sessionAsync(userId, sessionId).toCompletableFuture().join();
  }

  /** {@return the guided exercises this engine offers (immutable, thread-safe)} */
  public GuidedExercises guidedExercises() {
    return exercises;
  }

  /**
   * Keeps {@code marker} with the session {@code sessionId} of {@code userId}: a step the user
   * took, such as a finished exercise. Refused with nothing stored if the session is not the user's
   * ({@link ErrorCode#SESSION_NOT_FOUND}, exactly as for an unknown one), the id is malformed, the
   * user is over the rate limit (each record counts as one message, so a client cannot flood the
   * store), the engine is stopping, or the store fails. The stage never fails.
   */
  public CompletionStage<RecordResult<ProgressMarker>> recordProgressAsync(
      String userId, String sessionId, ProgressMarker marker) {
    Objects.requireNonNull(marker, "marker == null");
    return record(userId, sessionId, marker, store::recordProgress, "progress marker");
  }

  /**
   * Records that {@code userId} finished the guided exercise {@code exerciseId} in the session
   * {@code sessionId}: a {@link ProgressMarker#SKILL_ACQUIRED} marker with the exercise's
   * achievement and therapeutic value, a new id and the engine's time, kept as {@link
   * #recordProgressAsync} keeps one. An id of no exercise is refused with {@link
   * ErrorCode#INVALID_PAYLOAD}. The stage never fails.
   */
  public CompletionStage<RecordResult<ProgressMarker>> completeExerciseAsync(
      String userId, String sessionId, String exerciseId) {
    Objects.requireNonNull(exerciseId, "exerciseId == null");
    Optional<GuidedExercise> exercise = exercises.byId(exerciseId);
    if (exercise.isEmpty()) {
      return notRecorded(
          userId,
          ConversationError.of(
              ErrorCode.INVALID_PAYLOAD,
              "That exercise is not available.",
              "no exercise " + exerciseId));
    }
    ProgressMarker marker =
        new ProgressMarker(
            ids.newMarkerId(),
            ProgressMarker.SKILL_ACQUIRED,
            exercise.get().achievement(),
            clock.millis(),
            exercise.get().therapeuticValue());
    return recordProgressAsync(userId, sessionId, marker);
  }

  /**
   * Keeps the user's rating of the session {@code sessionId}, from 1 to 5, with what they wrote, if
   * anything (blank text counts as none). A rating outside 1 to 5 or unreadable text is refused
   * with {@link ErrorCode#INVALID_PAYLOAD}, text over {@link Feedback#MAX_TEXT_CHARS} with {@link
   * ErrorCode#MESSAGE_TOO_LONG}; otherwise as {@link #recordProgressAsync}. The stage never fails.
   */
  public CompletionStage<RecordResult<Feedback>> recordFeedbackAsync(
      String userId, String sessionId, int rating, Optional<String> text) {
    Objects.requireNonNull(text, "text == null");
    if (rating < 1 || rating > 5) {
      return notRecorded(
          userId,
          ConversationError.of(
              ErrorCode.INVALID_PAYLOAD,
              "Please choose a rating from 1 to 5.",
              "rating must be a whole number from 1 to 5, was " + rating));
    }
    Optional<String> said = text.filter(t -> !t.isBlank());
    if (said.isPresent()) {
      Optional<ConversationError> unreadable =
          MessageRules.check(said.get(), Feedback.MAX_TEXT_CHARS);
      if (unreadable.isPresent()) {
        return notRecorded(userId, unreadable.get());
      }
    }
    return record(
        userId,
        sessionId,
        new Feedback(rating, said, clock.millis()),
        store::recordFeedback,
        "feedback");
  }

  /** Ownership, the rate limit, then {@code write}; what was kept, or why not. */
  private <T> CompletionStage<RecordResult<T>> record(
      String userId,
      String sessionId,
      T value,
      BiFunction<String, T, CompletionStage<Boolean>> write,
      String what) {
    Objects.requireNonNull(userId, "userId == null");
    if (closed) {
      return notRecorded(
          userId,
          ConversationError.of(
              ErrorCode.SHUTTING_DOWN,
              "The server is restarting. Please try again in a moment.",
              "engine closed"));
    }
    if (!Identifiers.isWellFormed(sessionId)) {
      return notRecorded(userId, malformedSessionId());
    }
    CompletionStage<RecordResult<T>> recorded =
        store
            .find(sessionId)
            .thenCompose(
                found -> {
                  if (found.filter(s -> s.isOwnedBy(userId)).isEmpty()) {
                    return CompletableFuture.completedFuture(
                        new RecordResult.Refused<T>(sessionNotFound(sessionId)));
                  }
                  return rateLimiter
                      .tryAcquire(userId)
                      .thenCompose(
                          retryAfter ->
                              retryAfter.isPresent()
                                  ? CompletableFuture.completedFuture(
                                      new RecordResult.Refused<T>(rateLimitedError(retryAfter)))
                                  : written(userId, sessionId, value, write, what));
                })
            .exceptionally(e -> new RecordResult.Refused<>(storeUnavailable(e)));
    return recorded.whenComplete(
        (result, failure) -> {
          if (result instanceof RecordResult.Refused<T> refused) {
            observe(o -> o.refused(refused.error().code()));
          }
        });
  }

  private <T> CompletionStage<RecordResult<T>> written(
      String userId,
      String sessionId,
      T value,
      BiFunction<String, T, CompletionStage<Boolean>> write,
      String what) {
    return write
        .apply(sessionId, value)
        .handle(
            (exists, failure) -> {
              if (failure == null && exists) {
                log.debug("session {}: {} recorded", sessionId, what);
                return new RecordResult.Recorded<>(value);
              }
              rateLimiter.refund(userId);
              return failure != null
                  ? new RecordResult.Refused<>(storeUnavailable(failure))
                  : new RecordResult.Refused<>(sessionNotFound(sessionId));
            });
  }

  private <T> CompletionStage<RecordResult<T>> notRecorded(String userId, ConversationError error) {
    Objects.requireNonNull(userId, "userId == null");
    observe(o -> o.refused(error.code()));
    return CompletableFuture.completedFuture(new RecordResult.Refused<>(error));
  }

  private static ConversationError sessionNotFound(String sessionId) {
    return ConversationError.of(
        ErrorCode.SESSION_NOT_FOUND,
        "Session not found",
        "no session " + sessionId + " for this user");
  }

  /**
   * Accepts one user message for processing, or refuses it with nothing stored. The stage completes
   * once the message is stored (accepted) or refused; it never fails. An accepted message waits
   * while earlier messages of the session are answered; its outcome goes to {@code listener} (see
   * {@link ReplyListener}).
   */
  public CompletionStage<SubmitResult> submitAsync(
      String userId, String sessionId, String message, ReplyListener listener) {
    return submitting(userId, sessionId, message, listener)
        .whenComplete(
            (result, failure) -> {
              if (result instanceof SubmitResult.Refused refused) {
                observe(o -> o.refused(refused.error().code()));
              } else if (result instanceof SubmitResult.Accepted) {
                observe(ConversationObserver::messageAccepted);
              }
            });
  }

  private CompletionStage<SubmitResult> submitting(
      String userId, String sessionId, String message, ReplyListener listener) {
    Objects.requireNonNull(userId, "userId == null");
    Objects.requireNonNull(listener, "listener == null");
    if (closed) {
      return refused(
          ErrorCode.SHUTTING_DOWN,
          "The server is restarting. Please send your message again in a moment.",
          "engine closed");
    }
    if (!Identifiers.isWellFormed(sessionId)) {
      return CompletableFuture.completedFuture(new SubmitResult.Refused(malformedSessionId()));
    }
    Optional<ConversationError> invalid = MessageRules.check(message, maxMessageChars);
    if (invalid.isPresent()) {
      return CompletableFuture.completedFuture(new SubmitResult.Refused(invalid.get()));
    }
    Executor home = placement.get();
    return store
        .find(sessionId)
        .thenCompose(
            found ->
                found.filter(s -> s.isOwnedBy(userId)).isPresent()
                    ? admit(userId, sessionId, message, listener, home)
                    : refused(
                        ErrorCode.SESSION_NOT_FOUND,
                        "Session not found",
                        "no session " + sessionId + " for this user; join_session first"))
        .exceptionally(e -> new SubmitResult.Refused(storeUnavailable(e)));
  }

  /** As {@link #submitAsync}, waiting for the store. */
  public SubmitResult submit(
      String userId, String sessionId, String message, ReplyListener listener) {
    return submitAsync(userId, sessionId, message, listener).toCompletableFuture().join();
  }

  /** Rate limit, a place in the session's lane, then the message stored. */
  private CompletionStage<SubmitResult> admit(
      String userId, String sessionId, String message, ReplyListener listener, Executor home) {
    return rateLimiter
        .tryAcquire(userId)
        .thenCompose(
            retryAfter ->
                retryAfter.isPresent()
                    ? CompletableFuture.completedFuture(rateLimited(retryAfter))
                    : enter(userId, sessionId, message, listener, home));
  }

  private static SubmitResult rateLimited(OptionalLong retryAfter) {
    return new SubmitResult.Refused(rateLimitedError(retryAfter));
  }

  static ConversationError rateLimitedError(OptionalLong retryAfter) {
    return new ConversationError(
        ErrorCode.RATE_LIMITED,
        "You are sending messages too quickly. Please wait a moment and try again.",
        "retry after " + retryAfter.getAsLong() + " ms",
        retryAfter);
  }

  private CompletionStage<SubmitResult> enter(
      String userId, String sessionId, String message, ReplyListener listener, Executor home) {
    // Counted before it enters the lane: a queued turn may start, and end, as soon as it is in.
    if (activeTurns.incrementAndGet() > maxActiveTurns) {
      turnUncounted();
      rateLimiter.refund(userId);
      long wait = Math.max(250, typicalTurnMillis);
      return CompletableFuture.completedFuture(
          new SubmitResult.Refused(
              new ConversationError(
                  ErrorCode.BUSY,
                  "Mia is answering a lot of people right now. Please try again in a moment.",
                  "server at its limit of " + maxActiveTurns + " messages in progress",
                  OptionalLong.of(wait))));
    }
    Turn turn = new Turn(userId, sessionId, listener, home);
    int ahead = lanes.enter(sessionId, turn::itsTurn);
    if (ahead == SessionLanes.FULL) {
      turnUncounted();
      rateLimiter.refund(userId);
      return refused(
          ErrorCode.BUSY,
          "Mia is still answering your earlier messages. Please wait for the reply.",
          "too many messages waiting in this session");
    }
    return store
        .accept(sessionId, ChatMessage.pending(message, clock.millis()))
        .handle(
            (found, failure) -> {
              if (failure != null || !found) {
                turn.notAccepted();
                if (ahead == 0) {
                  turn.itsTurn();
                }
                rateLimiter.refund(userId);
                return failure != null
                    ? new SubmitResult.Refused(storeUnavailable(failure))
                    : new SubmitResult.Refused(
                        ConversationError.of(
                            ErrorCode.SESSION_NOT_FOUND, "Session not found", "session expired"));
              }
              turn.accepted();
              if (ahead == 0) {
                turn.itsTurn();
              }
              return new SubmitResult.Accepted(ahead);
            });
  }

  /**
   * Waits until no message is being processed or waiting, or until {@code timeout} passes. {@return
   * whether the engine became idle}
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (activeTurns.get() > 0) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      synchronized (activeTurns) {
        activeTurns.wait(Math.max(1, Math.min(50, (deadline - System.nanoTime()) / 1_000_000)));
      }
    }
    return true;
  }

  /** Refuses new messages from now on; replies already accepted still run to their end. */
  public void stopAccepting() {
    closed = true;
  }

  /**
   * Refuses new messages and stops the engine's threads; streams still running are abandoned. The
   * store, the model and the locks are the caller's to close.
   */
  @Override
  public void close() {
    closed = true;
    ownTurns.ifPresent(ExecutorService::shutdownNow);
    watchdog.shutdownNow();
  }

  private static CompletionStage<SubmitResult> refused(
      ErrorCode code, String message, String detail) {
    return CompletableFuture.completedFuture(
        new SubmitResult.Refused(ConversationError.of(code, message, detail)));
  }

  static ConversationError malformedSessionId() {
    return ConversationError.of(
        ErrorCode.INVALID_PAYLOAD,
        "The session id is not valid.",
        "sessionId must be 1 to 128 characters of A-Z a-z 0-9 _ -");
  }

  /** Tells the observer, which must not disturb the flow if it throws. */
  private void observe(java.util.function.Consumer<ConversationObserver> event) {
    try {
      event.accept(observer);
    } catch (RuntimeException e) {
      log.debug("conversation observer threw {}", e.getClass().getName());
    }
  }

  static ConversationError storeUnavailable(Throwable failure) {
    Throwable cause = unwrap(failure);
    log.warn("session store failed: {}", cause.toString());
    return ConversationError.of(
        ErrorCode.STORE_UNAVAILABLE,
        "Mia cannot save conversations right now. Please try again in a moment.",
        cause.getClass().getSimpleName());
  }

  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private void turnEnded(String sessionId) {
    try {
      lanes.leave(sessionId).ifPresent(Runnable::run);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The engine was closed past its grace time: messages still waiting stay stored, unanswered.
      log.warn("session {}: engine closed with messages waiting", sessionId);
    }
    turnUncounted();
  }

  private void turnUncounted() {
    if (activeTurns.decrementAndGet() == 0) {
      synchronized (activeTurns) {
        activeTurns.notifyAll();
      }
    }
  }

  /** {@return the index of the session's oldest owed message, or -1 if none is owed} */
  private static int oldestOwed(List<ChatMessage> history) {
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).status() == MessageStatus.PENDING) {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@return whether recording this message's profile would change the session} It would not when
   * the message states no new age, keeps the mode and raises no alert other than the standing one:
   * {@link SessionStore#recordProfile} keeps the age when none is stated and the tier when none is
   * raised.
   */
  private static boolean teachesSomething(
      Session before, OptionalInt statedAge, Mode mode, SafetyTier tier) {
    boolean newAge = statedAge.isPresent() && !statedAge.equals(before.age());
    boolean newTier = tier.raisesAlert() && tier != before.safetyTier();
    return newAge || mode != before.mode() || newTier;
  }

  /**
   * The model's view of what came before a message: what was said and answered, never an owed or
   * interrupted message, at most the last {@code historyLimit}.
   */
  private List<ChatMessage> answered(List<ChatMessage> before) {
    List<ChatMessage> kept = new ArrayList<>(Math.min(before.size(), historyLimit));
    for (ChatMessage m : before) {
      if (m.status() == MessageStatus.COMPLETE) {
        kept.add(m);
      }
    }
    int size = kept.size();
    return size <= historyLimit ? kept : kept.subList(size - historyLimit, size);
  }

  /**
   * One turn of a session: it answers the session's oldest owed message, which is the message it
   * was made for unless another process sharing the store answered that one first.
   */
  private final class Turn implements ModelListener {
    private final String userId;
    private final String sessionId;
    private final ReplyListener listener;
    // Where every step of the turn runs: the placement of the thread that submitted the message.
    private final Executor home;
    // Whether the message it was made for was stored.
    private final CompletableFuture<Boolean> stored = new CompletableFuture<>();
    private String message;
    // Written by the model's callbacks, which the ModelListener contract serializes.
    private final StringBuilder reply = new StringBuilder();
    private volatile long lastActivityNanos;
    private volatile ReplyStream stream;
    private volatile ScheduledFuture<?> idleCheck;
    private volatile SessionLocks.Lock lock;
    private volatile boolean ended;
    private long startedNanos;
    private volatile long requestedNanos;

    Turn(String userId, String sessionId, ReplyListener listener, Executor home) {
      this.userId = userId;
      this.sessionId = sessionId;
      this.listener = listener;
      this.home = home;
    }

    /** Runs {@code action} at once if {@code stage} is complete, else on the turn's home then. */
    private <T> void then(CompletionStage<T> stage, BiConsumer<T, Throwable> action) {
      CompletableFuture<T> future = stage.toCompletableFuture();
      if (future.isDone()) {
        future.whenComplete(action);
      } else {
        future.whenCompleteAsync(action, home);
      }
    }

    void accepted() {
      stored.complete(true);
    }

    void notAccepted() {
      stored.complete(false);
    }

    /** The session's lane has come to this turn: once stored, and locked, it runs. */
    void itsTurn() {
      stored.thenAccept(
          wasStored -> {
            if (!wasStored) {
              turnEnded(sessionId); // refused after all: nothing to answer
              return;
            }
            home.execute(() -> then(locks.lock(sessionId), this::locked));
          });
    }

    private void locked(SessionLocks.Lock held, Throwable failure) {
      if (failure != null) {
        lock = null;
        finish(
            ConversationError.of(
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong while processing your message.",
                "session lock: " + unwrap(failure).getClass().getSimpleName()));
        return;
      }
      lock = held;
      then(store.find(sessionId), this::loaded);
    }

    private void loaded(Optional<Session> found, Throwable failure) {
      try {
        if (failure != null) {
          finish(storeUnavailable(failure));
          return;
        }
        Optional<Session> before = found.filter(s -> s.isOwnedBy(userId));
        if (before.isEmpty()) {
          finish(
              ConversationError.of(
                  ErrorCode.SESSION_NOT_FOUND, "Session not found", "session expired"));
          return;
        }
        List<ChatMessage> history = before.get().conversationHistory();
        int owed = oldestOwed(history);
        if (owed < 0) {
          // Answered by another process sharing the store; its reply reached the room from there.
          log.debug("session {}: nothing owed any more", sessionId);
          release();
          return;
        }
        message = history.get(owed).content();
        run(before.get(), history.subList(0, owed));
      } catch (RuntimeException e) {
        log.error("session {}: message processing failed", sessionId, e);
        finish(
            ConversationError.of(
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong while processing your message.",
                e.getClass().getSimpleName()));
      }
    }

    private void run(Session before, List<ChatMessage> earlier) {
      startedNanos = System.nanoTime();
      CompletionStage<SafetyAssessment> assessing;
      try {
        assessing = classifier.assessAsync(message);
      } catch (RuntimeException e) {
        assessing = CompletableFuture.failedFuture(e);
      }
      then(
          assessing,
          (assessment, failure) ->
              guarded(
                  () ->
                      assessed(
                          before,
                          earlier,
                          failure == null ? assessment : classifierFailed(failure))));
    }

    private void assessed(Session before, List<ChatMessage> earlier, SafetyAssessment assessment) {
      long now = clock.millis();
      OptionalInt statedAge = ageDetector.detect(message);
      OptionalInt age = statedAge.isPresent() ? statedAge : before.age();
      Mode mode = modeSelector.select(message, age);
      SafetyTier tier = assessment.tier();
      // Most messages teach nothing new (no stated age, the same mode, no alert), and the write
      // would leave the row as it is: skipped, a durable store does a third less per message.
      // `before` is current because the session's previous turn released it only once its settle,
      // queued after its profile, had taken effect. Not awaited: the store applies a session's
      // writes in order, before this turn's settle.
      if (teachesSomething(before, statedAge, mode, tier)) {
        store.recordProfile(sessionId, statedAge, mode, tier, now);
      }
      if (log.isDebugEnabled()) {
        log.debug(
            "session {}: message of {} chars, tier {} ({}), mode {}, age {}",
            sessionId,
            message.length(),
            tier.level(),
            assessment.category(),
            mode,
            age.isPresent() ? age.getAsInt() : "unknown");
      }
      TurnAssessment told =
          TurnAssessment.of(
              tier, assessment.category(), mode, age, exercises.suggestedFor(message, tier));
      safely(() -> listener.onAssessed(told));
      if (tier.raisesAlert()) {
        log.info("session {}: safety tier {} ({})", sessionId, tier.level(), assessment.category());
        observe(o -> o.safetyAlert(tier));
        safely(() -> listener.onSafetyAlert(new SafetyAlert(tier, resources)));
      }
      ModelRequest request =
          new ModelRequest(
              prompts.build(mode, age, tier, resources), answered(earlier), message, mode, tier);
      lastActivityNanos = System.nanoTime();
      requestedNanos = lastActivityNanos;
      scheduleIdleCheck(idleTimeout.toNanos());
      stream = model.stream(request, this);
      if (ended) {
        stream.cancel();
      }
    }

    private SafetyAssessment classifierFailed(Throwable failure) {
      // A broken classifier must not hide a crisis: fail towards the alert.
      log.error(
          "session {}: safety classifier failed; treating as tier 3", sessionId, unwrap(failure));
      return new SafetyAssessment(SafetyTier.CRITICAL, "classifier-failure");
    }

    /** Runs a step of the turn; a step that throws ends the turn with an internal error. */
    private void guarded(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException e) {
        log.error("session {}: message processing failed", sessionId, e);
        finish(
            ConversationError.of(
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong while processing your message.",
                e.getClass().getSimpleName()));
      }
    }

    private void scheduleIdleCheck(long delayNanos) {
      try {
        idleCheck = watchdog.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The engine is closing; the stream is abandoned with it.
      }
    }

    private void checkIdle() {
      if (ended) {
        return;
      }
      long silent = System.nanoTime() - lastActivityNanos;
      long limit = idleTimeout.toNanos();
      if (silent < limit) {
        scheduleIdleCheck(limit - silent);
        return;
      }
      ReplyStream current = stream;
      if (current != null) {
        current.cancel();
      }
      onFailure(new ModelFailure(ModelFailure.Kind.TIMEOUT, "no reply for " + idleTimeout));
    }

    // Synchronized with end(): once a timeout has ended the turn, no chunk follows its error.
    @Override
    public synchronized void onDelta(String text) {
      if (ended) {
        return;
      }
      lastActivityNanos = System.nanoTime();
      if (reply.isEmpty()) {
        Duration wait = Duration.ofNanos(lastActivityNanos - requestedNanos);
        observe(o -> o.firstToken(wait));
      }
      reply.append(text);
      safely(() -> listener.onChunk(text));
    }

    @Override
    public void onComplete() {
      // Ends the turn first, so a timeout firing at the same moment cannot end it a second time.
      if (!end()) {
        return;
      }
      String full = reply.toString();
      Duration took = Duration.ofNanos(System.nanoTime() - requestedNanos);
      store
          .settle(sessionId, Optional.of(ChatMessage.assistant(full, clock.millis())))
          .whenComplete(
              (found, failure) -> {
                if (failure != null) {
                  log.error(
                      "session {}: the reply could not be stored: {}",
                      sessionId,
                      unwrap(failure).toString());
                } else if (log.isDebugEnabled()) {
                  log.debug(
                      "session {}: reply of {} chars in {} ms",
                      sessionId,
                      full.length(),
                      (System.nanoTime() - startedNanos) / 1_000_000);
                }
                // Sent even when storing failed: the client has every chunk already.
                observe(o -> o.replyCompleted(took));
                typicalTurnMillis = (typicalTurnMillis * 7 + took.toMillis()) / 8;
                safely(() -> listener.onComplete(full));
                release();
              });
    }

    @Override
    public void onFailure(ModelFailure failure) {
      log.warn("session {}: model failed: {} ({})", sessionId, failure.kind(), failure.detail());
      fail(
          ConversationError.of(
              ErrorCode.MODEL_UNAVAILABLE,
              "Mia could not answer just now. Your message was saved; please try again.",
              failure.detail()));
    }

    private synchronized boolean end() {
      if (ended) {
        return false;
      }
      ended = true;
      ScheduledFuture<?> check = idleCheck;
      if (check != null) {
        check.cancel(false);
      }
      return true;
    }

    private void fail(ConversationError error) {
      if (!end()) {
        return;
      }
      CompletionStage<Boolean> settled = store.settle(sessionId, Optional.empty());
      observe(o -> o.replyFailed(error.code()));
      safely(() -> listener.onError(error));
      releaseWhenSettled(settled);
    }

    /** Ends a turn that never reached the model. */
    private void finish(ConversationError error) {
      end();
      CompletionStage<Boolean> settled =
          message == null
              ? CompletableFuture.completedFuture(false)
              : store.settle(sessionId, Optional.empty());
      observe(o -> o.replyFailed(error.code()));
      safely(() -> listener.onError(error));
      releaseWhenSettled(settled);
    }

    /**
     * Releases the session once its settle has taken effect, stored or failed, as a completed reply
     * does: the next turn's read then sees every write of this one (its profile among them).
     */
    private void releaseWhenSettled(CompletionStage<Boolean> settled) {
      settled.whenComplete((found, failure) -> release());
    }

    private void release() {
      SessionLocks.Lock held = lock;
      if (held != null) {
        held.unlock();
      }
      turnEnded(sessionId);
    }

    private void safely(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        log.warn("session {}: reply listener threw {}", sessionId, e.getClass().getName());
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Assembles a {@link ConversationEngine}; every part has a working default. */
  public static final class Builder {
    private SessionStore store;
    private SessionLocks locks = SessionLocks.processLocal();
    private SafetyClassifier classifier = SafetyClassifiers.standard();
    private AgeDetector ageDetector = Profiles.standardAgeDetector();
    private ModeSelector modeSelector = Profiles.standardModeSelector();
    private ChatModel model;
    private SystemPrompts prompts;
    private List<CrisisResource> resources = CrisisResources.unitedStates();
    private GuidedExercises exercises;
    private Identifiers ids;
    private Clock clock = Clock.systemUTC();
    private int maxMessageChars = 4000;
    private int historyLimit = 40;
    private int maxQueuedPerSession = 3;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private RateLimit rateLimit = RateLimit.DEFAULT;
    private UserRateLimiter rateLimiter;
    private Executor turnExecutor;
    private Supplier<Executor> turnPlacement;
    private ConversationObserver observer = ConversationObserver.NONE;
    private int maxActiveTurns = 10_000;

    private Builder() {}

    /** Where sessions live; default an {@link InMemorySessionStore}. */
    public Builder sessionStore(SessionStore store) {
      this.store = Objects.requireNonNull(store, "store == null");
      return this;
    }

    /**
     * How the turns of a session are kept one at a time across processes that share the store;
     * default {@link SessionLocks#processLocal()}, for a store no other process uses.
     */
    public Builder sessionLocks(SessionLocks locks) {
      this.locks = Objects.requireNonNull(locks, "locks == null");
      return this;
    }

    /** How danger is assessed; default {@link SafetyClassifiers#standard()}. */
    public Builder safetyClassifier(SafetyClassifier classifier) {
      this.classifier = Objects.requireNonNull(classifier, "classifier == null");
      return this;
    }

    /** How a stated age is found; default {@link Profiles#standardAgeDetector()}. */
    public Builder ageDetector(AgeDetector ageDetector) {
      this.ageDetector = Objects.requireNonNull(ageDetector, "ageDetector == null");
      return this;
    }

    /** How the mode is chosen; default {@link Profiles#standardModeSelector()}. */
    public Builder modeSelector(ModeSelector modeSelector) {
      this.modeSelector = Objects.requireNonNull(modeSelector, "modeSelector == null");
      return this;
    }

    /** The model that writes replies. Required. */
    public Builder chatModel(ChatModel model) {
      this.model = Objects.requireNonNull(model, "model == null");
      return this;
    }

    /** The system prompt pieces; default {@link SystemPrompts#defaults()}. */
    public Builder systemPrompts(SystemPrompts prompts) {
      this.prompts = Objects.requireNonNull(prompts, "prompts == null");
      return this;
    }

    /** Crisis resources sent with every alert; default {@link CrisisResources#unitedStates()}. */
    public Builder crisisResources(List<CrisisResource> resources) {
      this.resources = List.copyOf(resources);
      return this;
    }

    /** The guided exercises offered after a message; default {@link GuidedExercises#defaults()}. */
    public Builder guidedExercises(GuidedExercises exercises) {
      this.exercises = Objects.requireNonNull(exercises, "exercises == null");
      return this;
    }

    /** The source of session and anonymous user ids; default a new {@link Identifiers}. */
    public Builder identifiers(Identifiers ids) {
      this.ids = Objects.requireNonNull(ids, "ids == null");
      return this;
    }

    /** The clock for message timestamps; default UTC system time. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** The longest message accepted, in UTF-16 chars; default 4000. */
    public Builder maxMessageChars(int maxMessageChars) {
      this.maxMessageChars = atLeast(1, maxMessageChars, "maxMessageChars");
      return this;
    }

    /** How many earlier messages the model sees; default 40. The stored history is unbounded. */
    public Builder historyLimit(int historyLimit) {
      this.historyLimit = atLeast(0, historyLimit, "historyLimit");
      return this;
    }

    /** How many messages may wait while a session's reply streams; default 3. */
    public Builder maxQueuedPerSession(int maxQueuedPerSession) {
      this.maxQueuedPerSession = atLeast(0, maxQueuedPerSession, "maxQueuedPerSession");
      return this;
    }

    /** The longest the model may stay silent before the reply fails; default 30 s. */
    public Builder modelIdleTimeout(Duration idleTimeout) {
      Objects.requireNonNull(idleTimeout, "idleTimeout == null");
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("modelIdleTimeout must be positive, was " + idleTimeout);
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** The per-user message rate limit; default {@link RateLimit#DEFAULT}. */
    public Builder rateLimit(RateLimit rateLimit) {
      this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit == null");
      return this;
    }

    /**
     * Where the rate limit's buckets live; default {@link UserRateLimiter#local} with {@link
     * #rateLimit}'s shape. A limiter given here replaces that one (and {@link #rateLimit} is
     * ignored).
     */
    public Builder rateLimiter(UserRateLimiter rateLimiter) {
      this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter == null");
      return this;
    }

    /**
     * Where turns run: a turn stores the message, assesses safety, detects age and starts the
     * model's stream, so it waits only if the classifier or the model's {@code stream} call does.
     * Default: a pool of daemon threads, one per core, that {@link #close()} stops. An executor
     * given here is the caller's to stop; one that runs turns on the caller's event loop is fit
     * only when the classifier and the model never block.
     */
    public Builder turnExecutor(Executor turnExecutor) {
      this.turnExecutor = Objects.requireNonNull(turnExecutor, "turnExecutor == null");
      return this;
    }

    /**
     * Where the turn of a message runs, chosen on the thread that submits it: every step of that
     * turn (and the continuation after the store, a slow classifier or the session lock) runs on
     * the executor {@code placement} returns there. A server whose sockets each have an event loop
     * places a turn on its socket's loop, so a message and its reply stay on one thread. Default:
     * the {@link #turnExecutor}.
     */
    public Builder turnPlacement(Supplier<Executor> placement) {
      this.turnPlacement = Objects.requireNonNull(placement, "placement == null");
      return this;
    }

    /**
     * How many messages may be in progress at once (answered or waiting) before new ones are
     * refused with {@link ErrorCode#BUSY} and a suggested wait, rather than making everyone's reply
     * slower; default 10,000.
     */
    public Builder maxActiveMessages(int maxActiveMessages) {
      this.maxActiveTurns = atLeast(1, maxActiveMessages, "maxActiveMessages");
      return this;
    }

    /** Who hears what happens, to count and time it; default {@link ConversationObserver#NONE}. */
    public Builder observer(ConversationObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer == null");
      return this;
    }

    /**
     * {@return the engine}
     *
     * @throws IllegalStateException if no chat model was given
     */
    public ConversationEngine build() {
      if (model == null) {
        throw new IllegalStateException("a chat model is required");
      }
      if (store == null) {
        store = new InMemorySessionStore();
      }
      if (prompts == null) {
        prompts = SystemPrompts.defaults();
      }
      if (ids == null) {
        ids = new Identifiers();
      }
      if (exercises == null) {
        exercises = GuidedExercises.defaults();
      }
      return new ConversationEngine(this);
    }

    private static int atLeast(int min, int value, String name) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
      }
      return value;
    }
  }
}
