package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.newSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.exercise.GuidedExercise;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.session.ProgressMarker;
import dev.mia.core.testing.MutableClock;
import dev.mia.core.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Progress markers and feedback a user asks the engine to keep with a session. */
@Timeout(60)
class ConversationEngineRecordTest {
  private static final String ALICE = "alice";
  private static final String BOB = "bob";

  private final MutableClock clock = MutableClock.atStart();
  private final InMemorySessionStore store = new InMemorySessionStore();
  private final ScriptedChatModel model = ScriptedChatModel.replying("ok");
  private final ConversationEngine engine =
      ConversationEngine.builder()
          .chatModel(model)
          .sessionStore(store)
          .clock(clock)
          .rateLimit(new RateLimit(3, 1, Duration.ofHours(1)))
          .build();

  @AfterEach
  void stop() {
    engine.close();
    model.close();
  }

  @SuppressWarnings("unchecked")
  private static <T> T recorded(RecordResult<T> result) {
    return ((RecordResult.Recorded<T>)
            assertInstanceOf(RecordResult.Recorded.class, result, () -> "recorded, but " + result))
        .value();
  }

  private static ConversationError refusal(RecordResult<?> result) {
    return assertInstanceOf(RecordResult.Refused.class, result, () -> "refused, but " + result)
        .error();
  }

  private List<ProgressMarker> progressOf(String sessionId) {
    return store.progress(sessionId).toCompletableFuture().join();
  }

  private List<Feedback> feedbackOf(String sessionId) {
    return store.feedback(sessionId).toCompletableFuture().join();
  }

  private RecordResult<ProgressMarker> complete(String userId, String sessionId, String exercise) {
    return engine.completeExerciseAsync(userId, sessionId, exercise).toCompletableFuture().join();
  }

  private RecordResult<Feedback> feedback(
      String userId, String sessionId, int rating, Optional<String> text) {
    return engine.recordFeedbackAsync(userId, sessionId, rating, text).toCompletableFuture().join();
  }

  @Test
  void aFinishedExerciseIsKeptAsASkillAcquiredMarkerWithItsAchievementAndValue() {
    String session = newSession(engine, ALICE).sessionId();
    GuidedExercise breathing = engine.guidedExercises().byId("ex_breathing").orElseThrow();

    ProgressMarker marker = recorded(complete(ALICE, session, "ex_breathing"));

    assertEquals(ProgressMarker.SKILL_ACQUIRED, marker.markerType());
    assertEquals(breathing.achievement(), marker.description());
    assertEquals(breathing.therapeuticValue(), marker.therapeuticValue());
    assertEquals(MutableClock.START.toEpochMilli(), marker.achievedAt());
    assertTrue(marker.markerId().startsWith("marker_"), marker.markerId());
    assertEquals(List.of(marker), progressOf(session));
  }

  @Test
  void aMarkerTheCallerMadeIsKeptAsItIs() {
    String session = newSession(engine, ALICE).sessionId();
    ProgressMarker marker = new ProgressMarker("marker_x", "INSIGHT", "Named a feeling", 42L, 0.3);

    RecordResult<ProgressMarker> result =
        engine.recordProgressAsync(ALICE, session, marker).toCompletableFuture().join();

    assertEquals(marker, recorded(result));
    assertEquals(List.of(marker), progressOf(session));
  }

  @Test
  void anotherUsersSessionIsRefusedLikeAnUnknownOneWithNothingStored() {
    String alices = newSession(engine, ALICE).sessionId();

    ConversationError foreign = refusal(complete(BOB, alices, "ex_breathing"));
    ConversationError unknown = refusal(complete(BOB, "session_nobody", "ex_breathing"));
    ConversationError foreignFeedback = refusal(feedback(BOB, alices, 5, Optional.empty()));

    assertEquals(ErrorCode.SESSION_NOT_FOUND, foreign.code());
    assertEquals(unknown.code(), foreign.code());
    assertEquals(unknown.message(), foreign.message());
    assertEquals(ErrorCode.SESSION_NOT_FOUND, foreignFeedback.code());
    assertEquals(List.of(), progressOf(alices));
    assertEquals(List.of(), feedbackOf(alices));
  }

  @Test
  void anUnknownExerciseIsRefusedAsAnInvalidPayload() {
    String session = newSession(engine, ALICE).sessionId();

    assertEquals(
        ErrorCode.INVALID_PAYLOAD, refusal(complete(ALICE, session, "ex_juggling")).code());
    assertEquals(List.of(), progressOf(session));
  }

  @Test
  void aMalformedSessionIdIsRefusedAsAnInvalidPayload() {
    assertEquals(
        ErrorCode.INVALID_PAYLOAD, refusal(complete(ALICE, "../etc", "ex_breathing")).code());
    assertEquals(
        ErrorCode.INVALID_PAYLOAD, refusal(feedback(ALICE, "", 3, Optional.empty())).code());
  }

  @Test
  void feedbackIsKeptWithItsRatingTextAndTime() {
    String session = newSession(engine, ALICE).sessionId();

    Feedback given = recorded(feedback(ALICE, session, 4, Optional.of("Helpful, thanks")));

    assertEquals(4, given.rating());
    assertEquals(Optional.of("Helpful, thanks"), given.text());
    assertEquals(MutableClock.START.toEpochMilli(), given.givenAt());
    assertEquals(List.of(given), feedbackOf(session));
  }

  @Test
  void blankFeedbackTextIsKeptAsNone() {
    String session = newSession(engine, ALICE).sessionId();

    Feedback given = recorded(feedback(ALICE, session, 2, Optional.of("   ")));

    assertEquals(Optional.empty(), given.text());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 6, -1, 100})
  void aRatingOutsideOneToFiveIsRefusedWithNothingStored(int rating) {
    String session = newSession(engine, ALICE).sessionId();

    ConversationError error = refusal(feedback(ALICE, session, rating, Optional.of("hi")));

    assertEquals(ErrorCode.INVALID_PAYLOAD, error.code());
    assertTrue(error.message().contains("1 to 5"), error.message());
    assertEquals(List.of(), feedbackOf(session));
  }

  @Test
  void feedbackTextOverTheLimitIsRefusedAsTooLong() {
    String session = newSession(engine, ALICE).sessionId();
    String tooLong = "x".repeat(Feedback.MAX_TEXT_CHARS + 1);

    ConversationError error = refusal(feedback(ALICE, session, 3, Optional.of(tooLong)));

    assertEquals(ErrorCode.MESSAGE_TOO_LONG, error.code());
    assertEquals(List.of(), feedbackOf(session));
  }

  @Test
  void feedbackTextWithControlCharactersIsRefused() {
    String session = newSession(engine, ALICE).sessionId();

    assertEquals(
        ErrorCode.INVALID_PAYLOAD,
        refusal(feedback(ALICE, session, 3, Optional.of("bad\u0000text"))).code());
  }

  @Test
  void recordsCountAgainstTheUsersRateLimit() {
    String session = newSession(engine, ALICE).sessionId();
    for (int i = 0; i < 3; i++) {
      recorded(feedback(ALICE, session, 5, Optional.empty()));
    }

    ConversationError error = refusal(complete(ALICE, session, "ex_grounding"));

    assertEquals(ErrorCode.RATE_LIMITED, error.code());
    assertTrue(error.retryAfterMillis().isPresent());
    assertEquals(List.of(), progressOf(session));
  }

  @Test
  void refusedRecordsDoNotUseUpTheRateLimit() {
    String session = newSession(engine, ALICE).sessionId();
    for (int i = 0; i < 5; i++) {
      refusal(feedback(ALICE, session, 9, Optional.empty()));
      refusal(complete(BOB, session, "ex_breathing"));
    }

    recorded(complete(ALICE, session, "ex_breathing"));
  }

  @Test
  void afterStopAcceptingNothingMoreIsRecorded() {
    String session = newSession(engine, ALICE).sessionId();

    engine.stopAccepting();

    assertEquals(
        ErrorCode.SHUTTING_DOWN, refusal(feedback(ALICE, session, 5, Optional.empty())).code());
    assertEquals(List.of(), feedbackOf(session));
  }
}
