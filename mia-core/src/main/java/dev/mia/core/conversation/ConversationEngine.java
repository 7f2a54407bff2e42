package dev.mia.core.conversation;

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
import dev.mia.core.session.Identifiers;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStore;
import dev.mia.core.session.SessionStoreFullException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mia's conversation engine: joins users to their sessions and runs each user message through the
 * message flow (store it, assess safety, detect age, choose the mode, stream the model's reply,
 * store the reply), reporting to a {@link ReplyListener}.
 *
 * <p>Thread-safe; every method returns without waiting for the model. Messages of one session are
 * processed one after another in the order {@link #submit} accepted them, never interleaved;
 * different sessions run in parallel. A reply keeps streaming and is stored even if nobody listens
 * any more, so a client that reconnects finds it in the history. Build one with {@link #builder()}
 * and {@link #close()} it at shutdown.
 */
public final class ConversationEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConversationEngine.class);

  private final SessionStore store;
  private final SafetyClassifier classifier;
  private final AgeDetector ageDetector;
  private final ModeSelector modeSelector;
  private final ChatModel model;
  private final SystemPrompts prompts;
  private final List<CrisisResource> resources;
  private final Identifiers ids;
  private final Clock clock;
  private final int maxMessageChars;
  private final int historyLimit;
  private final Duration idleTimeout;
  private final MessageRateLimiter rateLimiter;
  private final SessionLanes lanes;
  private final Executor turns;
  // The default turn pool, owned and closed by the engine; empty when turns run elsewhere.
  private final Optional<ExecutorService> ownTurns;
  private final ScheduledExecutorService watchdog;
  private final AtomicInteger activeTurns = new AtomicInteger();
  private volatile boolean closed;

  private ConversationEngine(Builder b) {
    this.store = b.store;
    this.classifier = b.classifier;
    this.ageDetector = b.ageDetector;
    this.modeSelector = b.modeSelector;
    this.model = b.model;
    this.prompts = b.prompts;
    this.resources = b.resources;
    this.ids = b.ids;
    this.clock = b.clock;
    this.maxMessageChars = b.maxMessageChars;
    this.historyLimit = b.historyLimit;
    this.idleTimeout = b.idleTimeout;
    this.rateLimiter = new MessageRateLimiter(b.rateLimit);
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
    this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("mia-model-watchdog-"));
  }

  /** {@return a builder with every part at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a new anonymous user id, unguessable, starting with {@code anon_}} */
  public String newAnonymousUserId() {
    return ids.newAnonymousUserId();
  }

  /**
   * Puts {@code userId} into a session. With no id, or with an id that is unknown or belongs to
   * someone else, a new session is made under a new server-chosen id, so another user's session is
   * indistinguishable from one that does not exist. With the id of one of the user's own sessions,
   * that session is returned with its full history.
   *
   * @param requestedSessionId the id the client asked for, if any
   */
  public JoinResult join(String userId, Optional<String> requestedSessionId) {
    Objects.requireNonNull(userId, "userId == null");
    Objects.requireNonNull(requestedSessionId, "requestedSessionId == null");
    if (requestedSessionId.isPresent()) {
      String id = requestedSessionId.get();
      if (!Identifiers.isWellFormed(id)) {
        return new JoinResult.Refused(malformedSessionId());
      }
      Optional<Session> existing = store.find(id).filter(s -> s.isOwnedBy(userId));
      if (existing.isPresent()) {
        return new JoinResult.Joined(existing.get(), false);
      }
    }
    Session fresh = Session.start(ids.newSessionId(), userId, clock.millis());
    try {
      store.create(fresh);
    } catch (SessionStoreFullException e) {
      log.warn("session store full, refusing a new session");
      return new JoinResult.Refused(
          ConversationError.of(
              ErrorCode.CAPACITY_EXCEEDED,
              "The server cannot start a new conversation right now. Please try again later.",
              e.getMessage()));
    }
    log.debug("session {} created for {}", fresh.sessionId(), userId);
    return new JoinResult.Joined(fresh, true);
  }

  /** {@return the session {@code sessionId} if it belongs to {@code userId}} */
  public Optional<Session> session(String userId, String sessionId) {
    Objects.requireNonNull(userId, "userId == null");
    if (!Identifiers.isWellFormed(sessionId)) {
      return Optional.empty();
    }
    return store.find(sessionId).filter(s -> s.isOwnedBy(userId));
  }

  /**
   * Accepts one user message for processing, or refuses it with nothing stored. An accepted message
   * waits while earlier messages of the session are answered; its outcome goes to {@code listener}
   * (see {@link ReplyListener}).
   */
  public SubmitResult submit(
      String userId, String sessionId, String message, ReplyListener listener) {
    Objects.requireNonNull(userId, "userId == null");
    Objects.requireNonNull(listener, "listener == null");
    if (closed) {
      return refuse(
          ErrorCode.SHUTTING_DOWN,
          "The server is restarting. Please send your message again in a moment.",
          "engine closed");
    }
    if (!Identifiers.isWellFormed(sessionId)) {
      return new SubmitResult.Refused(malformedSessionId());
    }
    Optional<ConversationError> invalid = MessageRules.check(message, maxMessageChars);
    if (invalid.isPresent()) {
      return new SubmitResult.Refused(invalid.get());
    }
    if (store.find(sessionId).filter(s -> s.isOwnedBy(userId)).isEmpty()) {
      return refuse(
          ErrorCode.SESSION_NOT_FOUND,
          "Session not found",
          "no session " + sessionId + " for this user; join_session first");
    }
    OptionalLong retryAfter = rateLimiter.tryAcquire(userId);
    if (retryAfter.isPresent()) {
      long millis = retryAfter.getAsLong();
      return new SubmitResult.Refused(
          new ConversationError(
              ErrorCode.RATE_LIMITED,
              "You are sending messages too quickly. Please wait a moment and try again.",
              "retry after " + millis + " ms",
              retryAfter));
    }
    Turn turn = new Turn(userId, sessionId, message, listener);
    // Counted before it enters the lane: a queued turn may start, and end, as soon as it is in.
    activeTurns.incrementAndGet();
    int ahead = lanes.enter(sessionId, () -> turns.execute(turn::start));
    if (ahead == SessionLanes.FULL) {
      turnUncounted();
      rateLimiter.refund(userId);
      return refuse(
          ErrorCode.BUSY,
          "Mia is still answering your earlier messages. Please wait for the reply.",
          "too many messages waiting in this session");
    }
    if (ahead == 0) {
      turns.execute(turn::start);
    }
    return new SubmitResult.Accepted(ahead);
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

  /** Refuses new messages and stops the engine's threads; streams still running are abandoned. */
  @Override
  public void close() {
    closed = true;
    ownTurns.ifPresent(ExecutorService::shutdownNow);
    watchdog.shutdownNow();
  }

  private static SubmitResult refuse(ErrorCode code, String message, String detail) {
    return new SubmitResult.Refused(ConversationError.of(code, message, detail));
  }

  private static ConversationError malformedSessionId() {
    return ConversationError.of(
        ErrorCode.INVALID_PAYLOAD,
        "The session id is not valid.",
        "sessionId must be 1 to 128 characters of A-Z a-z 0-9 _ -");
  }

  private void turnEnded(String sessionId) {
    try {
      lanes.leave(sessionId).ifPresent(Runnable::run);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The engine was closed past its grace time: messages still waiting are dropped unstored.
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

  /** One user message on its way through the flow. */
  private final class Turn implements ModelListener {
    private final String userId;
    private final String sessionId;
    private final String message;
    private final ReplyListener listener;
    // Written by the model's callbacks, which the ModelListener contract serializes.
    private final StringBuilder reply = new StringBuilder();
    private volatile long lastActivityNanos;
    private volatile ReplyStream stream;
    private volatile ScheduledFuture<?> idleCheck;
    private volatile boolean ended;
    private long startedNanos;

    Turn(String userId, String sessionId, String message, ReplyListener listener) {
      this.userId = userId;
      this.sessionId = sessionId;
      this.message = message;
      this.listener = listener;
    }

    void start() {
      try {
        run();
      } catch (RuntimeException e) {
        log.error("session {}: message processing failed", sessionId, e);
        fail(
            ConversationError.of(
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong while processing your message.",
                e.getClass().getSimpleName()));
      }
    }

    private void run() {
      startedNanos = System.nanoTime();
      Optional<Session> before = store.find(sessionId).filter(s -> s.isOwnedBy(userId));
      if (before.isEmpty()) {
        fail(
            ConversationError.of(
                ErrorCode.SESSION_NOT_FOUND, "Session not found", "session expired"));
        return;
      }
      List<ChatMessage> history = before.get().conversationHistory();
      long now = clock.millis();
      SafetyAssessment assessment = assess();
      OptionalInt statedAge = ageDetector.detect(message);
      OptionalInt age = statedAge.isPresent() ? statedAge : before.get().age();
      Mode mode = modeSelector.select(message, age);
      SafetyTier tier = assessment.tier();
      Optional<Session> stored =
          store.update(
              sessionId,
              s ->
                  s.withMessage(ChatMessage.user(message, now))
                      .withProfile(
                          statedAge.isPresent() ? statedAge : s.age(),
                          mode,
                          tier.raisesAlert() ? tier : s.safetyTier(),
                          now));
      if (stored.isEmpty()) {
        fail(
            ConversationError.of(
                ErrorCode.SESSION_NOT_FOUND, "Session not found", "session expired"));
        return;
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
      if (tier.raisesAlert()) {
        log.info("session {}: safety tier {} ({})", sessionId, tier.level(), assessment.category());
        safely(() -> listener.onSafetyAlert(new SafetyAlert(tier, resources)));
      }
      ModelRequest request =
          new ModelRequest(
              prompts.build(mode, age, tier, resources), window(history), message, mode, tier);
      lastActivityNanos = System.nanoTime();
      scheduleIdleCheck(idleTimeout.toNanos());
      stream = model.stream(request, this);
      if (ended) {
        stream.cancel();
      }
    }

    private SafetyAssessment assess() {
      try {
        return classifier.assess(message);
      } catch (RuntimeException e) {
        // A broken classifier must not hide a crisis: fail towards the alert.
        log.error("session {}: safety classifier failed; treating as tier 3", sessionId, e);
        return new SafetyAssessment(SafetyTier.CRITICAL, "classifier-failure");
      }
    }

    private List<ChatMessage> window(List<ChatMessage> history) {
      int size = history.size();
      return size <= historyLimit ? history : history.subList(size - historyLimit, size);
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
      store.append(sessionId, ChatMessage.assistant(full, clock.millis()));
      if (log.isDebugEnabled()) {
        log.debug(
            "session {}: reply of {} chars in {} ms",
            sessionId,
            full.length(),
            (System.nanoTime() - startedNanos) / 1_000_000);
      }
      safely(() -> listener.onComplete(full));
      turnEnded(sessionId);
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
      safely(() -> listener.onError(error));
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
    private SafetyClassifier classifier = SafetyClassifiers.standard();
    private AgeDetector ageDetector = Profiles.standardAgeDetector();
    private ModeSelector modeSelector = Profiles.standardModeSelector();
    private ChatModel model;
    private SystemPrompts prompts;
    private List<CrisisResource> resources = CrisisResources.unitedStates();
    private Identifiers ids;
    private Clock clock = Clock.systemUTC();
    private int maxMessageChars = 4000;
    private int historyLimit = 40;
    private int maxQueuedPerSession = 3;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private RateLimit rateLimit = RateLimit.DEFAULT;
    private Executor turnExecutor;

    private Builder() {}

    /** Where sessions live; default an {@link InMemorySessionStore}. */
    public Builder sessionStore(SessionStore store) {
      this.store = Objects.requireNonNull(store, "store == null");
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
