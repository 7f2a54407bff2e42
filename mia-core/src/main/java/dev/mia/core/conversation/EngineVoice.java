package dev.mia.core.conversation;

import dev.mia.core.exercise.GuidedExercises;
import dev.mia.core.profile.AgeDetector;
import dev.mia.core.profile.Mode;
import dev.mia.core.profile.ModeSelector;
import dev.mia.core.safety.CrisisResource;
import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Identifiers;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link Voice}, on the engine's own parts: its store, classifier, detectors, prompts
 * and crisis resources. Holds no state of its own.
 */
final class EngineVoice implements Voice {
  private static final Logger log = LoggerFactory.getLogger(EngineVoice.class);

  private final SessionStore store;
  private final SafetyClassifier classifier;
  private final AgeDetector ageDetector;
  private final ModeSelector modeSelector;
  private final SystemPrompts prompts;
  private final List<CrisisResource> resources;
  private final GuidedExercises exercises;
  private final Clock clock;
  private final int maxMessageChars;
  private final ConversationObserver observer;
  private final UserRateLimiter rateLimiter;
  private final BooleanSupplier closed;

  /** The parts of the engine a voice conversation uses. */
  record Parts(
      SessionStore store,
      SafetyClassifier classifier,
      AgeDetector ageDetector,
      ModeSelector modeSelector,
      SystemPrompts prompts,
      List<CrisisResource> resources,
      GuidedExercises exercises,
      Clock clock,
      int maxMessageChars,
      ConversationObserver observer,
      UserRateLimiter rateLimiter,
      BooleanSupplier closed) {}

  EngineVoice(Parts parts) {
    this.store = parts.store();
    this.classifier = parts.classifier();
    this.ageDetector = parts.ageDetector();
    this.modeSelector = parts.modeSelector();
    this.prompts = parts.prompts();
    this.resources = List.copyOf(parts.resources());
    this.exercises = parts.exercises();
    this.clock = parts.clock();
    this.maxMessageChars = parts.maxMessageChars();
    this.observer = parts.observer();
    this.rateLimiter = parts.rateLimiter();
    this.closed = parts.closed();
  }

  @Override
  public String instructions(Session session) {
    Objects.requireNonNull(session, "session == null");
    return prompts.build(session.mode(), session.age(), session.safetyTier(), resources);
  }

  @Override
  public CompletionStage<HeardResult> heardAsync(
      String userId, String sessionId, String words, Input input) {
    Objects.requireNonNull(userId, "userId == null");
    Objects.requireNonNull(input, "input == null");
    if (!Identifiers.isWellFormed(sessionId)) {
      return refusedHearing(ConversationEngine.malformedSessionId());
    }
    if (input == Input.TYPED) {
      if (closed.getAsBoolean()) {
        return refusedHearing(
            ConversationError.of(
                ErrorCode.SHUTTING_DOWN,
                "The server is restarting. Please send your message again in a moment.",
                "engine closed"));
      }
      Optional<ConversationError> invalid = MessageRules.check(words, maxMessageChars);
      if (invalid.isPresent()) {
        return refusedHearing(invalid.get());
      }
      // Typed words count against the user's message rate, as a chat message does; speech
      // cannot come faster than it is spoken.
      return rateLimiter
          .tryAcquire(userId)
          .thenCompose(
              retryAfter ->
                  retryAfter.isPresent()
                      ? refusedHearing(ConversationEngine.rateLimitedError(retryAfter))
                      : hear(userId, sessionId, words)
                          .thenApply(
                              result -> {
                                // Words not kept (no such session, a store failure) cost nothing.
                                if (!(result instanceof HeardResult.Heard heard)
                                    || heard.notStored().isPresent()) {
                                  rateLimiter.refund(userId);
                                }
                                return result;
                              }));
    } else if (words == null || words.isBlank()) {
      return refusedHearing(
          ConversationError.of(
              ErrorCode.EMPTY_MESSAGE, "Nothing was heard.", "words are empty or white space"));
    }
    return hear(userId, sessionId, words);
  }

  /** Assesses and keeps words that passed the checks of their kind. */
  private CompletionStage<HeardResult> hear(String userId, String sessionId, String words) {
    long now = clock.millis();
    // Both at once: the assessment needs nothing from the store, and must not wait for it.
    CompletableFuture<SafetyAssessment> assessing = assess(words, sessionId);
    CompletableFuture<Kept> kept =
        attempt(() -> store.find(sessionId))
            .thenCompose(
                found -> {
                  Optional<Session> owned = found.filter(s -> s.isOwnedBy(userId));
                  if (owned.isEmpty()) {
                    return CompletableFuture.completedFuture(new Kept(owned, gone()));
                  }
                  return attempt(() -> store.append(sessionId, ChatMessage.user(words, now)))
                      .thenApply(
                          appended ->
                              appended
                                  ? new Kept(owned, Optional.empty())
                                  : new Kept(Optional.empty(), gone()));
                })
            .exceptionally(
                failure ->
                    new Kept(
                        Optional.empty(),
                        Optional.of(ConversationEngine.storeUnavailable(failure))));
    return assessing
        .thenCombine(
            kept, (assessment, where) -> recorded(sessionId, words, now, assessment, where))
        .thenCompose(stage -> stage);
  }

  /** Whether the user's words were kept: the session as it was before them if so, else why not. */
  private record Kept(Optional<Session> before, Optional<ConversationError> notStored) {}

  /** Records what the words taught about the session, if they were kept, and says it all. */
  private CompletionStage<HeardResult> recorded(
      String sessionId, String words, long now, SafetyAssessment assessment, Kept kept) {
    Optional<Session> before = kept.before();
    OptionalInt statedAge = ageDetector.detect(words);
    OptionalInt age =
        statedAge.isPresent() ? statedAge : before.map(Session::age).orElse(OptionalInt.empty());
    Mode mode = modeSelector.select(words, age);
    SafetyTier tier = assessment.tier();
    SafetyTier standing =
        tier.raisesAlert() ? tier : before.map(Session::safetyTier).orElse(SafetyTier.NORMAL);
    TurnAssessment told =
        TurnAssessment.of(
            tier, assessment.category(), mode, age, exercises.suggestedFor(words, tier));
    Optional<SafetyAlert> alert = Optional.empty();
    if (tier.raisesAlert()) {
      log.info(
          "session {}: voice safety tier {} ({})", sessionId, tier.level(), assessment.category());
      observe(o -> o.safetyAlert(tier));
      alert = Optional.of(new SafetyAlert(tier, resources));
    }
    HeardResult heard =
        new HeardResult.Heard(
            told, alert, prompts.build(mode, age, standing, resources), kept.notStored());
    if (before.isEmpty()) {
      return CompletableFuture.completedFuture(heard);
    }
    // Awaited, so that whoever reads the session after this stage sees the tier it raised.
    return attempt(() -> store.recordProfile(sessionId, statedAge, mode, tier, now))
        .handle(
            (found, failure) -> {
              if (failure != null) {
                ConversationEngine.storeUnavailable(failure);
              }
              return heard;
            });
  }

  @Override
  public CompletionStage<SaidResult> saidAsync(String userId, String sessionId, String words) {
    Objects.requireNonNull(userId, "userId == null");
    if (!Identifiers.isWellFormed(sessionId)) {
      return CompletableFuture.completedFuture(
          new SaidResult.Refused(ConversationEngine.malformedSessionId()));
    }
    if (words == null || words.isBlank()) {
      return CompletableFuture.completedFuture(
          new SaidResult.Refused(
              ConversationError.of(
                  ErrorCode.EMPTY_MESSAGE, "Nothing was said.", "words are empty or white space")));
    }
    long now = clock.millis();
    return attempt(() -> store.find(sessionId))
        .thenCompose(
            found ->
                found.filter(s -> s.isOwnedBy(userId)).isPresent()
                    ? attempt(() -> store.append(sessionId, ChatMessage.assistant(words, now)))
                    : CompletableFuture.completedFuture(false))
        .handle(
            (stored, failure) -> {
              if (failure != null) {
                return new SaidResult.Refused(ConversationEngine.storeUnavailable(failure));
              }
              return stored ? new SaidResult.Stored() : new SaidResult.Refused(gone().get());
            });
  }

  private CompletableFuture<SafetyAssessment> assess(String words, String sessionId) {
    return attempt(() -> classifier.assessAsync(words))
        .exceptionally(
            failure -> {
              // A broken classifier must not hide a crisis: fail towards the alert.
              log.error(
                  "session {}: safety classifier failed on voice; treating as tier 3",
                  sessionId,
                  ConversationEngine.unwrap(failure));
              return new SafetyAssessment(SafetyTier.CRITICAL, "classifier-failure");
            });
  }

  /** {@return the stage {@code call} makes, or a failed one if it throws} */
  private static <T> CompletableFuture<T> attempt(
      java.util.function.Supplier<CompletionStage<T>> call) {
    try {
      return call.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Optional<ConversationError> gone() {
    return Optional.of(
        ConversationError.of(
            ErrorCode.SESSION_NOT_FOUND, "Session not found", "no such session for this user"));
  }

  private static CompletionStage<HeardResult> refusedHearing(ConversationError error) {
    return CompletableFuture.completedFuture(new HeardResult.Refused(error));
  }

  private void observe(java.util.function.Consumer<ConversationObserver> event) {
    try {
      event.accept(observer);
    } catch (RuntimeException e) {
      log.debug("conversation observer threw {}", e.getClass().getName());
    }
  }
}
