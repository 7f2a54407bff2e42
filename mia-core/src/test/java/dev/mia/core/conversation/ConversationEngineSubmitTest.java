package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.exchange;
import static dev.mia.core.testing.Conversations.newSession;
import static dev.mia.core.testing.Conversations.refusal;
import static dev.mia.core.testing.Conversations.send;
import static dev.mia.core.testing.Conversations.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.testing.Await;
import dev.mia.core.testing.RecordingListener;
import dev.mia.core.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link ConversationEngine#submit} refuses, and that a refusal leaves no trace. */
@Timeout(60)
class ConversationEngineSubmitTest {
  private static final String ALICE = "anon_alice";
  private static final String BOB = "anon_bob";

  private final ScriptedChatModel model = ScriptedChatModel.replying("I'm ", "here.");
  private final ConversationEngine engine =
      ConversationEngine.builder().chatModel(model).maxMessageChars(20).build();
  private final String session = newSession(engine, ALICE).sessionId();
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void stop() {
    engine.close();
    model.close();
  }

  private ConversationError refusalOf(String message) {
    return refusal(engine.submit(ALICE, session, message, listener));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "   \n\t  "})
  void emptyOrBlankMessageIsRefusedAsEmptyMessage(String message) {
    assertEquals(ErrorCode.EMPTY_MESSAGE, refusalOf(message).code());
  }

  @Test
  void messageOverTheLimitIsRefusedAsMessageTooLong() {
    assertEquals(ErrorCode.MESSAGE_TOO_LONG, refusalOf("x".repeat(21)).code());
  }

  @Test
  void messageAtTheLimitIsAccepted() {
    RecordingListener reply = exchange(engine, ALICE, session, "x".repeat(20));

    assertTrue(reply.completion().isPresent());
  }

  @Test
  void tooLongRefusalSaysTheLimit() {
    assertTrue(refusalOf("x".repeat(21)).message().contains("20"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nul\u0000", "\u0007bell", "esc\u001b[31m", "del\u007f", "c1\u0085"})
  void messageWithAControlCharacterIsRefusedAsInvalidPayload(String message) {
    assertEquals(ErrorCode.INVALID_PAYLOAD, refusalOf(message).code());
  }

  @Test
  void lineBreaksAndTabsAreAccepted() {
    RecordingListener reply = exchange(engine, ALICE, session, "one\ntwo\r\n\tthree");

    assertTrue(reply.completion().isPresent());
  }

  @Test
  void loneHighSurrogateIsRefusedAsInvalidPayload() {
    assertEquals(ErrorCode.INVALID_PAYLOAD, refusalOf("hi \uD83D").code());
  }

  @Test
  void loneLowSurrogateIsRefusedAsInvalidPayload() {
    assertEquals(ErrorCode.INVALID_PAYLOAD, refusalOf("\uDE00 hi").code());
  }

  @Test
  void reversedSurrogatePairIsRefusedAsInvalidPayload() {
    assertEquals(ErrorCode.INVALID_PAYLOAD, refusalOf("\uDE00\uD83D").code());
  }

  @Test
  void emojiIsAccepted() {
    RecordingListener reply = exchange(engine, ALICE, session, "I feel \uD83D\uDE00");

    assertTrue(reply.completion().isPresent());
  }

  @Test
  void missingMessageIsRefusedAsInvalidPayload() {
    assertEquals(ErrorCode.INVALID_PAYLOAD, refusalOf(null).code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bad id", "x/y"})
  void malformedSessionIdIsRefusedAsInvalidPayload(String id) {
    ConversationError error = refusal(engine.submit(ALICE, id, "Hello", listener));

    assertEquals(ErrorCode.INVALID_PAYLOAD, error.code());
  }

  @Test
  void missingSessionIdIsRefusedAsInvalidPayload() {
    ConversationError error = refusal(engine.submit(ALICE, null, "Hello", listener));

    assertEquals(ErrorCode.INVALID_PAYLOAD, error.code());
  }

  @Test
  void unknownSessionIsRefusedAsSessionNotFound() {
    ConversationError error =
        refusal(engine.submit(ALICE, "session_neverMade000", "Hello", listener));

    assertEquals(ErrorCode.SESSION_NOT_FOUND, error.code());
  }

  @Test
  void messageToAnUnknownSessionCreatesNoSession() {
    engine.submit(ALICE, "session_neverMade000", "Hello", listener);

    assertEquals(Optional.empty(), engine.session(ALICE, "session_neverMade000"));
  }

  @Test
  void someoneElsesSessionIsRefusedAsSessionNotFound() {
    ConversationError error = refusal(engine.submit(BOB, session, "Hello", listener));

    assertEquals(ErrorCode.SESSION_NOT_FOUND, error.code());
  }

  @Test
  void messageToSomeoneElsesSessionIsNotStored() {
    engine.submit(BOB, session, "Hello from Bob", listener);

    assertEquals(List.of(), transcript(engine, ALICE, session));
  }

  @Test
  void refusedMessageNeverReachesTheModel() {
    engine.submit(BOB, session, "Hello from Bob", listener);
    engine.submit(ALICE, session, "", listener);
    exchange(engine, ALICE, session, "Hello");

    assertEquals(1, model.requests().size());
    assertEquals("Hello", model.requests().get(0).userMessage());
  }

  @Test
  void refusedMessageNeverCallsTheListener() {
    engine.submit(ALICE, session, "", listener);
    engine.submit(BOB, session, "Hello", listener);
    exchange(engine, ALICE, session, "Hello");

    assertEquals(List.of(), listener.events());
  }

  @Test
  void messageOverTheRateLimitIsRefusedWithARetryTime() {
    try (ConversationEngine limited = limitedToOneMessage()) {
      String id = newSession(limited, ALICE).sessionId();
      exchange(limited, ALICE, id, "first");

      ConversationError error = refusal(limited.submit(ALICE, id, "second", listener));

      assertEquals(ErrorCode.RATE_LIMITED, error.code());
      assertTrue(error.retryAfterMillis().isPresent());
      assertTrue(error.retryAfterMillis().getAsLong() > 0, error.toString());
    }
  }

  @Test
  void messageOverTheRateLimitIsNotStored() {
    try (ConversationEngine limited = limitedToOneMessage()) {
      String id = newSession(limited, ALICE).sessionId();
      exchange(limited, ALICE, id, "first");

      limited.submit(ALICE, id, "second", listener);

      assertEquals(List.of("user: first", "assistant: I'm here."), transcript(limited, ALICE, id));
    }
  }

  @Test
  void rateLimitCountsEachUserApart() {
    try (ConversationEngine limited = limitedToOneMessage()) {
      exchange(limited, ALICE, newSession(limited, ALICE).sessionId(), "first");
      String bobs = newSession(limited, BOB).sessionId();

      RecordingListener bobsReply = exchange(limited, BOB, bobs, "first");

      assertTrue(bobsReply.completion().isPresent());
    }
  }

  private ConversationEngine limitedToOneMessage() {
    return ConversationEngine.builder()
        .chatModel(model)
        .rateLimit(new RateLimit(1, 1, Duration.ofHours(1)))
        .build();
  }

  @Test
  void messageBeyondTheQueueBoundIsRefusedAsBusy() {
    try (ScriptedChatModel manual = ScriptedChatModel.manual();
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(manual).maxQueuedPerSession(1).build()) {
      String id = newSession(engine, ALICE).sessionId();
      send(engine, ALICE, id, "first");
      send(engine, ALICE, id, "second");

      ConversationError error = refusal(engine.submit(ALICE, id, "third", listener));

      assertEquals(ErrorCode.BUSY, error.code());
    }
  }

  @Test
  void messageRefusedAsBusyIsNotStored() throws InterruptedException {
    try (ScriptedChatModel manual = ScriptedChatModel.manual();
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(manual).maxQueuedPerSession(1).build()) {
      String id = newSession(engine, ALICE).sessionId();
      send(engine, ALICE, id, "first");
      send(engine, ALICE, id, "second");
      engine.submit(ALICE, id, "third", listener);

      manual.nextStream().reply(List.of("one"));
      manual.nextStream().reply(List.of("two"));
      assertTrue(engine.awaitIdle(Await.LIMIT));

      assertEquals(
          List.of("user: first", "assistant: one", "user: second", "assistant: two"),
          transcript(engine, ALICE, id));
    }
  }

  @Test
  void messagePastTheServersLimitIsRefusedAsBusyWithAWaitAndNothingStored() {
    try (ScriptedChatModel manual = ScriptedChatModel.manual();
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(manual).maxActiveMessages(1).build()) {
      String alices = newSession(engine, ALICE).sessionId();
      String bobs = newSession(engine, BOB).sessionId();
      send(engine, ALICE, alices, "first");

      ConversationError error = refusal(engine.submit(BOB, bobs, "second", listener));

      assertEquals(ErrorCode.BUSY, error.code());
      assertTrue(error.retryAfterMillis().isPresent() && error.retryAfterMillis().getAsLong() > 0);
      assertEquals(List.of(), transcript(engine, BOB, bobs));
    }
  }

  @Test
  void theServersLimitFreesAPlaceWhenAReplyEnds() throws InterruptedException {
    try (ScriptedChatModel manual = ScriptedChatModel.manual();
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(manual).maxActiveMessages(1).build()) {
      String alices = newSession(engine, ALICE).sessionId();
      String bobs = newSession(engine, BOB).sessionId();
      send(engine, ALICE, alices, "first");
      manual.nextStream().reply(List.of("done"));
      assertTrue(engine.awaitIdle(Await.LIMIT));

      SubmitResult second = engine.submit(BOB, bobs, "second", new RecordingListener());

      assertEquals(new SubmitResult.Accepted(0), second);
    }
  }

  @Test
  void queuedMessageIsAcceptedWithItsPlaceInLine() {
    try (ScriptedChatModel manual = ScriptedChatModel.manual();
        ConversationEngine engine = ConversationEngine.builder().chatModel(manual).build()) {
      String id = newSession(engine, ALICE).sessionId();

      SubmitResult first = engine.submit(ALICE, id, "first", new RecordingListener());
      SubmitResult second = engine.submit(ALICE, id, "second", new RecordingListener());

      assertEquals(new SubmitResult.Accepted(0), first);
      assertEquals(new SubmitResult.Accepted(1), second);
    }
  }

  @Test
  void messageAfterStopAcceptingIsRefusedAsShuttingDown() {
    engine.stopAccepting();

    assertEquals(ErrorCode.SHUTTING_DOWN, refusalOf("Hello").code());
  }

  @Test
  void messageAfterCloseIsRefusedAsShuttingDown() {
    engine.close();

    assertEquals(ErrorCode.SHUTTING_DOWN, refusalOf("Hello").code());
  }

  @Test
  void replyAcceptedBeforeStopAcceptingStillCompletes() {
    try (ScriptedChatModel manual = ScriptedChatModel.manual();
        ConversationEngine engine = ConversationEngine.builder().chatModel(manual).build()) {
      String id = newSession(engine, ALICE).sessionId();
      RecordingListener accepted = send(engine, ALICE, id, "Hello");

      engine.stopAccepting();
      manual.nextStream().reply(List.of("Still ", "here."));

      assertEquals("Still here.", accepted.awaitEnd().completion().orElseThrow());
    }
  }

  @Test
  void engineWithoutAModelCannotBeBuilt() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ConversationEngine.builder().build());

    assertEquals("a chat model is required", e.getMessage());
  }

  @Test
  void idleTimeoutMustBePositive() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConversationEngine.builder().modelIdleTimeout(Duration.ZERO));

    assertEquals("modelIdleTimeout must be positive, was PT0S", e.getMessage());
  }

  @Test
  void maxMessageCharsMustBeAtLeastOne() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ConversationEngine.builder().maxMessageChars(0));

    assertEquals("maxMessageChars must be at least 1, was 0", e.getMessage());
  }
}
