package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.exchange;
import static dev.mia.core.testing.Conversations.newSession;
import static dev.mia.core.testing.Conversations.stored;
import static dev.mia.core.testing.Conversations.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.model.ModelRequest;
import dev.mia.core.profile.Mode;
import dev.mia.core.safety.CrisisResources;
import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Role;
import dev.mia.core.session.Session;
import dev.mia.core.testing.CapturedLog;
import dev.mia.core.testing.Conversations;
import dev.mia.core.testing.MutableClock;
import dev.mia.core.testing.RecordingListener;
import dev.mia.core.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The message flow of seed 000 ("Message Processing Flow", "Data Flow Examples" 3 to 5): store the
 * user message, assess safety, detect age, choose the mode, stream the reply, store it. Runs with
 * the default classifier, age detector and mode selector, and checks only results any version of
 * them must give; the rules themselves are tested with them.
 */
@Timeout(60)
class ConversationFlowTest {
  private static final String ALICE = "anon_alice";
  private static final List<String> PIECES = List.of("I'm ", "here ", "for ", "you.");

  private final MutableClock clock = MutableClock.atStart();
  private final ScriptedChatModel model = ScriptedChatModel.replying(PIECES.toArray(String[]::new));
  private final ConversationEngine engine =
      ConversationEngine.builder().chatModel(model).clock(clock).build();
  private final String session = newSession(engine, ALICE).sessionId();

  @AfterEach
  void stop() {
    engine.close();
    model.close();
  }

  private RecordingListener say(String message) {
    return exchange(engine, ALICE, session, message);
  }

  private Session current() {
    return stored(engine, ALICE, session);
  }

  private ModelRequest lastRequest() {
    List<ModelRequest> requests = model.requests();
    return requests.get(requests.size() - 1);
  }

  // Example 3: a normal message.

  @Test
  void normalMessageStreamsTheChunksInOrder() {
    RecordingListener reply = say("Hello, I need someone to talk to");

    assertEquals(PIECES, reply.chunks());
  }

  @Test
  void normalMessageCompletesWithTheChunksJoined() {
    RecordingListener reply = say("Hello, I need someone to talk to");

    assertEquals(String.join("", reply.chunks()), reply.completion().orElseThrow());
    assertEquals("I'm here for you.", reply.completion().orElseThrow());
  }

  @Test
  void normalMessageCompletesAfterTheLastChunk() {
    RecordingListener reply = say("Hello, I need someone to talk to");

    List<String> events = reply.events();
    assertEquals("complete:I'm here for you.", events.get(events.size() - 1));
    assertEquals(PIECES.size() + 1, events.size());
  }

  @Test
  void normalMessageRaisesNoAlert() {
    RecordingListener reply = say("Hello, I need someone to talk to");

    assertEquals(List.of(), reply.alerts());
  }

  @Test
  void normalMessageLeavesTierOneAndGreetingMode() {
    say("Hello, I need someone to talk to");

    assertEquals(SafetyTier.NORMAL, current().safetyTier());
    assertEquals(Mode.GREETING, current().mode());
    assertEquals(OptionalInt.empty(), current().age());
  }

  @Test
  void normalMessageStoresTheUserMessageThenTheReply() {
    say("Hello, I need someone to talk to");

    assertEquals(
        List.of("user: Hello, I need someone to talk to", "assistant: I'm here for you."),
        transcript(engine, ALICE, session));
  }

  @Test
  void storedMessagesAreStampedWithTheClock() {
    say("Hello, I need someone to talk to");

    long now = MutableClock.START.toEpochMilli();
    assertTrue(current().conversationHistory().stream().allMatch(m -> m.timestamp() == now));
  }

  // Example 4: a crisis message.

  @Test
  void crisisMessageAlertsBeforeTheFirstChunk() {
    RecordingListener reply = say("I want to die");

    assertEquals("alert:3", reply.events().get(0));
    assertEquals("chunk:I'm ", reply.events().get(1));
  }

  @Test
  void crisisMessageAlertsExactlyOnce() {
    RecordingListener reply = say("I want to die");

    assertEquals(1, reply.alerts().size());
  }

  @Test
  void crisisMessageRaisesTheSessionToTierThree() {
    say("I want to die");

    assertEquals(SafetyTier.CRITICAL, current().safetyTier());
  }

  @Test
  void crisisMessageStillGetsTheReply() {
    RecordingListener reply = say("I want to die");

    assertEquals("I'm here for you.", reply.completion().orElseThrow());
  }

  @Test
  void crisisAlertCarriesTheCrisisResources() {
    RecordingListener reply = say("I want to die");

    assertEquals(CrisisResources.unitedStates(), reply.alerts().get(0).resources());
  }

  @Test
  void crisisMessageAsksTheModelWithTierThree() {
    say("I want to die");

    assertEquals(SafetyTier.CRITICAL, lastRequest().safetyTier());
  }

  // Example 5: a stated age.

  @Test
  void statedAgeIsStoredInTheSession() {
    say("Hi, I'm 10 years old");

    assertEquals(OptionalInt.of(10), current().age());
  }

  @Test
  void childsAgeSelectsMirrorLearning() {
    say("Hi, I'm 10 years old");

    assertEquals(Mode.MIRROR_LEARNING, current().mode());
    assertEquals(Mode.MIRROR_LEARNING, lastRequest().mode());
  }

  @Test
  void storedAgeChoosesTheModeWhenALaterMessageStatesNone() {
    say("Hi, I'm 15 years old");

    say("Can you help me with my homework?");

    assertEquals(OptionalInt.of(15), current().age());
    assertEquals(Mode.EDUCATIONAL, current().mode());
  }

  @Test
  void storedChildAgeKeepsMirrorLearningForALaterMessage() {
    say("Hi, I'm 10 years old");

    say("I like drawing cats");

    assertEquals(Mode.MIRROR_LEARNING, current().mode());
  }

  @Test
  void urgencyOutranksTheStoredAge() {
    say("Hi, I'm 10 years old");

    say("This is urgent");

    assertEquals(Mode.URGENCY, current().mode());
    assertEquals(OptionalInt.of(10), current().age());
  }

  @Test
  void fundraisingOutranksTheStoredAge() {
    say("Hi, I'm 15 years old");

    say("I want to donate to Mia");

    assertEquals(Mode.FUNDRAISING, current().mode());
  }

  @Test
  void urgencyOutranksFundraising() {
    say("It is urgent that I donate today");

    assertEquals(Mode.URGENCY, current().mode());
  }

  // What the model is sent.

  @Test
  void modelIsSentTheNewMessageAndTheEarlierHistory() {
    say("Hello, I need someone to talk to");

    say("Thank you");

    ModelRequest request = lastRequest();
    assertEquals("Thank you", request.userMessage());
    assertEquals(
        List.of("user: Hello, I need someone to talk to", "assistant: I'm here for you."),
        request.history().stream().map(Conversations::line).toList());
  }

  @Test
  void firstMessageIsSentWithEmptyHistory() {
    say("Hello, I need someone to talk to");

    assertEquals(List.of(), lastRequest().history());
  }

  @Test
  void historySentToTheModelIsBoundedByTheHistoryLimit() {
    try (ConversationEngine bounded =
        ConversationEngine.builder().chatModel(model).historyLimit(3).build()) {
      String id = newSession(bounded, ALICE).sessionId();
      exchange(bounded, ALICE, id, "one");
      exchange(bounded, ALICE, id, "two");

      exchange(bounded, ALICE, id, "three");

      assertEquals(
          List.of("assistant: I'm here for you.", "user: two", "assistant: I'm here for you."),
          lastRequest().history().stream().map(Conversations::line).toList());
    }
  }

  @Test
  void storedHistoryIsNotBoundedByTheHistoryLimit() {
    try (ConversationEngine bounded =
        ConversationEngine.builder().chatModel(model).historyLimit(1).build()) {
      String id = newSession(bounded, ALICE).sessionId();

      for (String message : List.of("one", "two", "three")) {
        exchange(bounded, ALICE, id, message);
      }

      assertEquals(6, stored(bounded, ALICE, id).conversationHistory().size());
      assertEquals(1, lastRequest().history().size());
    }
  }

  @Test
  void historyLimitZeroSendsNoHistory() {
    try (ConversationEngine forgetful =
        ConversationEngine.builder().chatModel(model).historyLimit(0).build()) {
      String id = newSession(forgetful, ALICE).sessionId();
      exchange(forgetful, ALICE, id, "one");

      exchange(forgetful, ALICE, id, "two");

      assertEquals(List.of(), lastRequest().history());
    }
  }

  @Test
  void systemPromptIsBuiltFromTheModeAgeAndTier() {
    say("Hi, I'm 10 years old");

    assertEquals(
        SystemPrompts.defaults()
            .build(
                Mode.MIRROR_LEARNING,
                OptionalInt.of(10),
                SafetyTier.NORMAL,
                CrisisResources.unitedStates()),
        lastRequest().systemPrompt());
  }

  @Test
  void systemPromptForAChildMentionsTheirAge() {
    say("Hi, I'm 10 years old");

    assertTrue(lastRequest().systemPrompt().contains("10"), lastRequest().systemPrompt());
  }

  @Test
  void systemPromptForACrisisGivesTheCrisisLines() {
    say("I want to die");

    String prompt = lastRequest().systemPrompt();
    assertTrue(prompt.contains("988"), prompt);
    assertTrue(prompt.contains("741741"), prompt);
  }

  @Test
  void systemPromptForANormalMessageGivesNoCrisisLines() {
    say("Hello, I need someone to talk to");

    assertFalse(lastRequest().systemPrompt().contains("988"), lastRequest().systemPrompt());
  }

  // The engine decides with whatever parts it is given.

  @Test
  void engineAlertsWithTheTierOfTheGivenClassifier() {
    try (ConversationEngine custom =
        ConversationEngine.builder()
            .chatModel(model)
            .safetyClassifier(
                m ->
                    m.contains("storm")
                        ? new SafetyAssessment(SafetyTier.MODERATE, "weather")
                        : SafetyAssessment.NORMAL)
            .build()) {
      String id = newSession(custom, ALICE).sessionId();

      RecordingListener reply = exchange(custom, ALICE, id, "There is a storm inside me");

      assertEquals("alert:2", reply.events().get(0));
      assertEquals(SafetyTier.MODERATE, stored(custom, ALICE, id).safetyTier());
    }
  }

  @Test
  void classifierThatThrowsIsTreatedAsACrisis() {
    try (ConversationEngine custom =
        ConversationEngine.builder()
            .chatModel(model)
            .safetyClassifier(
                m -> {
                  throw new IllegalStateException("classifier broke");
                })
            .build()) {
      String id = newSession(custom, ALICE).sessionId();

      RecordingListener reply;
      String log;
      try (CapturedLog captured = CapturedLog.start()) {
        reply = exchange(custom, ALICE, id, "Hello");
        log = captured.text();
      }

      assertEquals("alert:3", reply.events().get(0));
      assertEquals("I'm here for you.", reply.completion().orElseThrow());
      assertTrue(log.contains("ERROR") && log.contains("safety classifier failed"), log);
    }
  }

  @Test
  void engineStoresTheAgeOfTheGivenDetectorAndTheModeOfTheGivenSelector() {
    try (ConversationEngine custom =
        ConversationEngine.builder()
            .chatModel(model)
            .ageDetector(m -> OptionalInt.of(42))
            .modeSelector((m, age) -> Mode.FUNDRAISING)
            .build()) {
      String id = newSession(custom, ALICE).sessionId();

      exchange(custom, ALICE, id, "Hello");

      assertEquals(OptionalInt.of(42), stored(custom, ALICE, id).age());
      assertEquals(Mode.FUNDRAISING, stored(custom, ALICE, id).mode());
    }
  }

  @Test
  void modeSelectorIsGivenTheStoredAgeWhenTheMessageStatesNone() {
    List<OptionalInt> agesSeen = new CopyOnWriteArrayList<>();
    try (ConversationEngine custom =
        ConversationEngine.builder()
            .chatModel(model)
            .ageDetector(m -> m.equals("I am 30") ? OptionalInt.of(30) : OptionalInt.empty())
            .modeSelector(
                (m, age) -> {
                  agesSeen.add(age);
                  return Mode.GREETING;
                })
            .build()) {
      String id = newSession(custom, ALICE).sessionId();
      exchange(custom, ALICE, id, "Hello");
      exchange(custom, ALICE, id, "I am 30");

      exchange(custom, ALICE, id, "How are you?");

      assertEquals(List.of(OptionalInt.empty(), OptionalInt.of(30), OptionalInt.of(30)), agesSeen);
    }
  }

  @Test
  void systemPromptIsAssembledFromTheGivenPrompts() {
    SystemPrompts prompts = TestPrompts.markers();
    try (ConversationEngine custom =
        ConversationEngine.builder()
            .chatModel(model)
            .systemPrompts(prompts)
            .ageDetector(m -> OptionalInt.of(10))
            .modeSelector((m, age) -> Mode.MIRROR_LEARNING)
            .safetyClassifier(m -> new SafetyAssessment(SafetyTier.CRITICAL, "test"))
            .crisisResources(List.of())
            .build()) {
      String id = newSession(custom, ALICE).sessionId();

      exchange(custom, ALICE, id, "Hello");

      assertEquals(
          "BASE\n\nMODE MIRROR_LEARNING\n\nCHILD 10\n\nSAFETY3 []", lastRequest().systemPrompt());
    }
  }

  @Test
  void replyStoredAfterTheClockMovedIsStampedWithTheNewTime() {
    try (ScriptedChatModel manual = ScriptedChatModel.manual();
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(manual).clock(clock).build()) {
      String id = newSession(engine, ALICE).sessionId();
      RecordingListener reply = Conversations.send(engine, ALICE, id, "Hello");
      ScriptedChatModel.Stream stream = manual.nextStream();

      clock.advance(Duration.ofSeconds(5));
      stream.reply(List.of("Hi"));
      reply.awaitEnd();

      List<ChatMessage> history = stored(engine, ALICE, id).conversationHistory();
      assertEquals(Role.ASSISTANT, history.get(1).role());
      assertEquals(history.get(0).timestamp() + 5_000, history.get(1).timestamp());
    }
  }
}
