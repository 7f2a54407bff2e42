package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.exchange;
import static dev.mia.core.testing.Conversations.newSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.model.ModelFailure;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.testing.RecordingListener;
import dev.mia.core.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What the engine tells its observer, event by event. */
class ConversationObserverTest {
  private static final String ALICE = "alice";

  /** Writes each call down as a word. */
  private static final class Tally implements ConversationObserver {
    final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public void sessionStarted() {
      heard.add("session");
    }

    @Override
    public void messageAccepted() {
      heard.add("accepted");
    }

    @Override
    public void refused(ErrorCode code) {
      heard.add("refused:" + code);
    }

    @Override
    public void safetyAlert(SafetyTier tier) {
      heard.add("alert:" + tier.level());
    }

    @Override
    public void firstToken(Duration wait) {
      heard.add(wait.isNegative() ? "first-token:negative" : "first-token");
    }

    @Override
    public void replyCompleted(Duration took) {
      heard.add(took.isNegative() ? "completed:negative" : "completed");
    }

    @Override
    public void replyFailed(ErrorCode code) {
      heard.add("failed:" + code);
    }
  }

  @Test
  void anAnsweredMessageIsAcceptedThenTimedToItsFirstTokenAndItsEnd() {
    Tally tally = new Tally();
    try (ScriptedChatModel model = ScriptedChatModel.replying("Hi ", "there.");
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(model).observer(tally).build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "Hello");

      assertTrue(reply.completion().isPresent());
      assertEquals(List.of("session", "accepted", "first-token", "completed"), tally.heard);
    }
  }

  @Test
  void aCrisisMessageIsCountedByItsTier() {
    Tally tally = new Tally();
    try (ScriptedChatModel model = ScriptedChatModel.replying("I'm here.");
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(model).observer(tally).build()) {
      String id = newSession(engine, ALICE).sessionId();

      exchange(engine, ALICE, id, "I want to kill myself");

      assertTrue(tally.heard.contains("alert:3"), tally.heard.toString());
    }
  }

  @Test
  void aRefusedMessageIsCountedByItsCode() {
    Tally tally = new Tally();
    try (ScriptedChatModel model = ScriptedChatModel.replying("Hi.");
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(model).observer(tally).build()) {
      String id = newSession(engine, ALICE).sessionId();

      engine.submit(ALICE, id, "   ", new RecordingListener());

      assertEquals(List.of("session", "refused:EMPTY_MESSAGE"), tally.heard);
    }
  }

  @Test
  void aFailedReplyIsCountedByItsCode() {
    Tally tally = new Tally();
    try (ScriptedChatModel model = ScriptedChatModel.failing(ModelFailure.Kind.UNAVAILABLE);
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(model).observer(tally).build()) {
      String id = newSession(engine, ALICE).sessionId();

      exchange(engine, ALICE, id, "Hello");

      assertEquals(List.of("session", "accepted", "failed:MODEL_UNAVAILABLE"), tally.heard);
    }
  }

  @Test
  void anObserverThatThrowsChangesNothing() {
    try (ScriptedChatModel model = ScriptedChatModel.replying("Still here.");
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(model)
                .observer(
                    new ConversationObserver() {
                      @Override
                      public void messageAccepted() {
                        throw new IllegalStateException("broken metrics");
                      }
                    })
                .build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "Hello");

      assertEquals("Still here.", reply.completion().orElseThrow());
    }
  }
}
