package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.exchange;
import static dev.mia.core.testing.Conversations.newSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.testing.RecordingListener;
import dev.mia.core.testing.ScriptedChatModel;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the steps of a turn run: its placement, and never the thread a slow classifier uses. */
class ConversationThreadsTest {
  private static final String ALICE = "alice";

  private final ExecutorService classifierPool =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "classifier"));
  private final ExecutorService placementPool =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "placement"));

  @AfterEach
  void stop() {
    classifierPool.shutdownNow();
    placementPool.shutdownNow();
  }

  /** Answers from a pool of its own, as a model-based classifier does. */
  private SafetyClassifier slowClassifier(Set<String> assessedOn) {
    return new SafetyClassifier() {
      @Override
      public SafetyAssessment assess(String message) {
        assessedOn.add(Thread.currentThread().getName());
        return message.contains("storm")
            ? new SafetyAssessment(SafetyTier.MODERATE, "weather")
            : SafetyAssessment.NORMAL;
      }

      @Override
      public CompletionStage<SafetyAssessment> assessAsync(String message) {
        return CompletableFuture.supplyAsync(() -> assess(message), classifierPool);
      }
    };
  }

  @Test
  void aClassifierThatAnswersFromItsOwnThreadsStillAlertsBeforeTheReply() {
    Set<String> assessedOn = ConcurrentHashMap.newKeySet();
    try (ScriptedChatModel model = ScriptedChatModel.replying("Stay ", "safe.");
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(model)
                .safetyClassifier(slowClassifier(assessedOn))
                .build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "a storm inside me");

      assertEquals("alert:2", reply.events().get(0));
      assertEquals("Stay safe.", reply.completion().orElseThrow());
      assertEquals(Set.of("classifier"), assessedOn);
    }
  }

  @Test
  void theStepsAfterASlowClassifierRunOnTheTurnsPlacementNotOnTheClassifiersThread() {
    Set<String> modelCalledOn = ConcurrentHashMap.newKeySet();
    try (ScriptedChatModel scripted = ScriptedChatModel.replying("Hi.");
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(
                    (request, listener) -> {
                      modelCalledOn.add(Thread.currentThread().getName());
                      return scripted.stream(request, listener);
                    })
                .safetyClassifier(slowClassifier(ConcurrentHashMap.newKeySet()))
                .turnPlacement(() -> placementPool)
                .build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "hello");

      assertTrue(reply.completion().isPresent());
      assertEquals(Set.of("placement"), modelCalledOn);
      assertNotEquals(Set.of("classifier"), modelCalledOn);
    }
  }
}
