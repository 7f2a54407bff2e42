package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.newSession;
import static dev.mia.core.testing.Conversations.stored;
import static dev.mia.core.testing.Conversations.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.CrisisResources;
import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.session.MessageStatus;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStore;
import dev.mia.core.testing.Await;
import dev.mia.core.testing.CapturedLog;
import dev.mia.core.testing.ForwardingSessionStore;
import dev.mia.core.testing.MutableClock;
import dev.mia.core.testing.RecordingListener;
import dev.mia.core.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A voice conversation in a session: the user's words assessed like a chat message and kept, Mia's
 * words kept, the speech model's instructions from Mia's prompts, only in the user's own session.
 */
@Timeout(60)
class VoiceTest {
  private static final String ALICE = "anon_alice";
  private static final String CRISIS = "i want to kill myself";

  private final MutableClock clock = MutableClock.atStart();
  private final ScriptedChatModel model = ScriptedChatModel.manual();
  private final List<SafetyTier> alerts = new CopyOnWriteArrayList<>();
  private final ConversationEngine engine =
      ConversationEngine.builder()
          .chatModel(model)
          .clock(clock)
          .maxMessageChars(40)
          .observer(
              new ConversationObserver() {
                @Override
                public void safetyAlert(SafetyTier tier) {
                  alerts.add(tier);
                }
              })
          .build();
  private final Voice voice = engine.voice();
  private final String session = newSession(engine, ALICE).sessionId();

  @AfterEach
  void stop() {
    engine.close();
    model.close();
  }

  private HeardResult heard(String words, Voice.Input input) {
    return Await.future(
        voice.heardAsync(ALICE, session, words, input).toCompletableFuture(), "hearing");
  }

  private HeardResult.Heard spoken(String words) {
    return assertInstanceOf(HeardResult.Heard.class, heard(words, Voice.Input.SPOKEN));
  }

  private SaidResult said(String userId, String words) {
    return Await.future(voice.saidAsync(userId, session, words).toCompletableFuture(), "saying");
  }

  @Test
  void typedWordsCountAgainstTheUsersMessageRateAndSpokenOnesDoNot() {
    ConversationEngine limited =
        ConversationEngine.builder()
            .chatModel(model)
            .clock(clock)
            .rateLimit(new RateLimit(2, 1, Duration.ofHours(1)))
            .build();
    try {
      Voice typedTo = limited.voice();
      String own = newSession(limited, ALICE).sessionId();
      java.util.function.Function<Voice.Input, HeardResult> hear =
          input ->
              Await.future(
                  typedTo.heardAsync(ALICE, own, "hello", input).toCompletableFuture(), "hearing");

      assertInstanceOf(HeardResult.Heard.class, hear.apply(Voice.Input.TYPED));
      assertInstanceOf(HeardResult.Heard.class, hear.apply(Voice.Input.TYPED));
      HeardResult third = hear.apply(Voice.Input.TYPED);
      HeardResult spokenMeanwhile = hear.apply(Voice.Input.SPOKEN);

      HeardResult.Refused refused = assertInstanceOf(HeardResult.Refused.class, third);
      assertEquals(ErrorCode.RATE_LIMITED, refused.error().code());
      assertTrue(refused.error().retryAfterMillis().isPresent());
      assertInstanceOf(HeardResult.Heard.class, spokenMeanwhile);
      assertEquals(3, transcript(limited, ALICE, own).size());
    } finally {
      limited.close();
    }
  }

  @Test
  void typedWordsForAMissingSessionDoNotUseUpTheRate() {
    ConversationEngine limited =
        ConversationEngine.builder()
            .chatModel(model)
            .clock(clock)
            .rateLimit(new RateLimit(1, 1, Duration.ofHours(1)))
            .build();
    try {
      Voice typedTo = limited.voice();
      String own = newSession(limited, ALICE).sessionId();
      HeardResult elsewhere =
          Await.future(
              typedTo
                  .heardAsync(ALICE, "session_nobodyhasthisone", "hello", Voice.Input.TYPED)
                  .toCompletableFuture(),
              "hearing");

      HeardResult mine =
          Await.future(
              typedTo.heardAsync(ALICE, own, "hello", Voice.Input.TYPED).toCompletableFuture(),
              "hearing");

      assertTrue(assertInstanceOf(HeardResult.Heard.class, elsewhere).notStored().isPresent());
      assertTrue(assertInstanceOf(HeardResult.Heard.class, mine).notStored().isEmpty());
    } finally {
      limited.close();
    }
  }

  @Test
  void spokenWordsAndMiasWordsAreKeptInOrder() {
    spoken("Hello Mia, I had a long day");
    assertInstanceOf(SaidResult.Stored.class, said(ALICE, "I'm glad you're here."));

    assertEquals(
        List.of("user: Hello Mia, I had a long day", "assistant: I'm glad you're here."),
        transcript(engine, ALICE, session));
    assertTrue(
        stored(engine, ALICE, session).conversationHistory().stream()
            .allMatch(m -> m.status() == MessageStatus.COMPLETE));
  }

  @Test
  void calmWordsRaiseNoAlert() {
    HeardResult.Heard heard = spoken("Hello Mia, I had a long day");

    assertEquals(SafetyTier.NORMAL, heard.assessment().tier());
    assertEquals(Optional.empty(), heard.alert());
    assertEquals(Optional.empty(), heard.notStored());
    assertEquals(List.of(), alerts);
  }

  @Test
  void aCrisisRaisesAnAlertWithTheCrisisResources() {
    HeardResult.Heard heard = spoken(CRISIS);

    assertEquals(SafetyTier.CRITICAL, heard.assessment().tier());
    SafetyAlert alert = heard.alert().orElseThrow();
    assertEquals(SafetyTier.CRITICAL, alert.tier());
    assertEquals(CrisisResources.unitedStates(), alert.resources());
    assertEquals(List.of(SafetyTier.CRITICAL), alerts);
  }

  @Test
  void aCrisisIsRecordedInTheStoredSession() {
    spoken(CRISIS);

    Session stored = stored(engine, ALICE, session);
    assertEquals(SafetyTier.CRITICAL, stored.safetyTier());
    assertEquals(List.of("user: " + CRISIS), transcript(engine, ALICE, session));
  }

  @Test
  void theInstructionsCarryTheCrisisGuidanceAndResourcesFromTheAlertOn() {
    String calm = voice.instructions(stored(engine, ALICE, session));

    String afterCrisis = spoken(CRISIS).instructions();
    String afterCalmAgain = spoken("thank you, that helps").instructions();

    assertFalse(calm.contains("988"), calm);
    assertTrue(afterCrisis.contains("988"), afterCrisis);
    assertTrue(afterCalmAgain.contains("988"), afterCalmAgain);
  }

  @Test
  void theInstructionsFollowTheStatedAgeAndTheMode() {
    HeardResult.Heard heard = spoken("I'm 9 years old");

    assertEquals(OptionalInt.of(9), heard.assessment().age());
    assertEquals(Mode.MIRROR_LEARNING, heard.assessment().mode());
    assertTrue(heard.instructions().contains("9"), heard.instructions());
    assertEquals(heard.instructions(), voice.instructions(stored(engine, ALICE, session)));
  }

  @Test
  void spokenWordsAreKeptWhateverTheirLength() {
    String longWords = "I just keep talking ".repeat(10);

    spoken(longWords);

    assertEquals(List.of("user: " + longWords), transcript(engine, ALICE, session));
  }

  @Test
  void typedTextIsCheckedLikeAChatMessageAndRefusedWithNothingKept() {
    HeardResult tooLong = heard("x".repeat(41), Voice.Input.TYPED);
    HeardResult empty = heard("  ", Voice.Input.TYPED);

    assertEquals(
        ErrorCode.MESSAGE_TOO_LONG,
        assertInstanceOf(HeardResult.Refused.class, tooLong).error().code());
    assertEquals(
        ErrorCode.EMPTY_MESSAGE, assertInstanceOf(HeardResult.Refused.class, empty).error().code());
    assertEquals(List.of(), transcript(engine, ALICE, session));
  }

  @Test
  void emptySpokenWordsAreRefused() {
    assertInstanceOf(HeardResult.Refused.class, heard("", Voice.Input.SPOKEN));
  }

  @Test
  void wordsInAnotherUsersSessionAreNotKeptButStillAssessed() {
    HeardResult result =
        Await.future(
            voice
                .heardAsync("anon_mallory", session, CRISIS, Voice.Input.SPOKEN)
                .toCompletableFuture(),
            "hearing");

    HeardResult.Heard heard = assertInstanceOf(HeardResult.Heard.class, result);
    assertEquals(ErrorCode.SESSION_NOT_FOUND, heard.notStored().orElseThrow().code());
    assertTrue(heard.alert().isPresent());
    assertEquals(List.of(), transcript(engine, ALICE, session));
    assertEquals(SafetyTier.NORMAL, stored(engine, ALICE, session).safetyTier());
  }

  @Test
  void miasWordsInAnotherUsersSessionAreRefused() {
    SaidResult result = said("anon_mallory", "hello");

    assertEquals(
        ErrorCode.SESSION_NOT_FOUND,
        assertInstanceOf(SaidResult.Refused.class, result).error().code());
    assertEquals(List.of(), transcript(engine, ALICE, session));
  }

  @Test
  void aMalformedSessionIdIsRefused() {
    HeardResult result =
        Await.future(
            voice.heardAsync(ALICE, "../etc", "hi", Voice.Input.SPOKEN).toCompletableFuture(),
            "hearing");

    assertEquals(
        ErrorCode.INVALID_PAYLOAD,
        assertInstanceOf(HeardResult.Refused.class, result).error().code());
  }

  @Test
  void aReplyToAnEarlierTypedMessageStaysRightAfterIt() {
    RecordingListener reply = new RecordingListener();
    engine.submit(ALICE, session, "typed first", reply);
    ScriptedChatModel.Stream stream = model.nextStream();

    spoken("spoken while Mia types");
    stream.reply(List.of("typed reply"));
    reply.awaitEnd();

    assertEquals(
        List.of("user: typed first", "assistant: typed reply", "user: spoken while Mia types"),
        transcript(engine, ALICE, session));
  }

  @Test
  void aBrokenClassifierCountsAsACrisis() {
    try (CapturedLog log = CapturedLog.start();
        ConversationEngine broken =
            ConversationEngine.builder()
                .chatModel(model)
                .safetyClassifier(
                    new SafetyClassifier() {
                      @Override
                      public SafetyAssessment assess(String message) {
                        throw new IllegalStateException("down");
                      }
                    })
                .build()) {
      String id = newSession(broken, ALICE).sessionId();

      HeardResult result =
          Await.future(
              broken
                  .voice()
                  .heardAsync(ALICE, id, "hello", Voice.Input.SPOKEN)
                  .toCompletableFuture(),
              "hearing");

      HeardResult.Heard heard = assertInstanceOf(HeardResult.Heard.class, result);
      assertEquals(SafetyTier.CRITICAL, heard.assessment().tier());
      assertTrue(log.text().contains("classifier failed"), log.text());
    }
  }

  @Test
  void aStoreFailureKeepsNothingButTheAlertStands() {
    InMemorySessionStore real = new InMemorySessionStore();
    FailingFinds store = new FailingFinds(real);
    try (CapturedLog log = CapturedLog.start();
        ConversationEngine failing =
            ConversationEngine.builder().chatModel(model).sessionStore(store).build()) {
      String id = newSession(failing, ALICE).sessionId();
      store.failing = true;

      HeardResult result =
          Await.future(
              failing
                  .voice()
                  .heardAsync(ALICE, id, CRISIS, Voice.Input.SPOKEN)
                  .toCompletableFuture(),
              "hearing");

      HeardResult.Heard heard = assertInstanceOf(HeardResult.Heard.class, result);
      assertEquals(ErrorCode.STORE_UNAVAILABLE, heard.notStored().orElseThrow().code());
      assertTrue(heard.alert().isPresent());
      assertEquals(
          List.of(),
          real.find(id).toCompletableFuture().join().orElseThrow().conversationHistory());
    }
  }

  /** A store whose finds fail on demand; everything else goes to the real one. */
  private static final class FailingFinds extends ForwardingSessionStore {
    volatile boolean failing;

    FailingFinds(SessionStore real) {
      super(real);
    }

    @Override
    public CompletionStage<Optional<Session>> find(String sessionId) {
      return failing
          ? CompletableFuture.failedFuture(new IllegalStateException("database down"))
          : super.find(sessionId);
    }
  }
}
