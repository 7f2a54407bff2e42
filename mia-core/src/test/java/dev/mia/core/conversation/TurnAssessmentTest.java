package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.newSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.exercise.GuidedExercise;
import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.testing.RecordingListener;
import dev.mia.core.testing.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TurnAssessmentTest {

  @Test
  void aCrisisIsMetWithCrisisSupportWhateverTheMode() {
    assertEquals("crisis_support", TurnAssessment.intentOf(Mode.GREETING, SafetyTier.CRITICAL));
    assertEquals("high", TurnAssessment.riskLevelOf(SafetyTier.CRITICAL));
  }

  @Test
  void aModerateRiskIsMetWithASafetyCheck() {
    assertEquals("safety_check", TurnAssessment.intentOf(Mode.EDUCATIONAL, SafetyTier.MODERATE));
    assertEquals("medium", TurnAssessment.riskLevelOf(SafetyTier.MODERATE));
  }

  @Test
  void aCalmMessagesIntentFollowsTheMode() {
    assertEquals("greet", TurnAssessment.intentOf(Mode.GREETING, SafetyTier.NORMAL));
    assertEquals("validate", TurnAssessment.intentOf(Mode.EDUCATIONAL, SafetyTier.NORMAL));
    assertEquals("none", TurnAssessment.riskLevelOf(SafetyTier.NORMAL));
  }

  @Test
  void theListenerHearsTheAssessmentBeforeTheAlertWithTheExercisesThatFit() throws Exception {
    CompletableFuture<TurnAssessment> heard = new CompletableFuture<>();
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ScriptedChatModel model = ScriptedChatModel.replying("Breathe with me.");
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, "alice").sessionId();
      RecordingListener recorded = new RecordingListener();
      ReplyListener listener =
          new ReplyListener() {
            @Override
            public void onAssessed(TurnAssessment assessment) {
              order.add("assessed");
              heard.complete(assessment);
            }

            @Override
            public void onSafetyAlert(SafetyAlert alert) {
              order.add("alert");
              recorded.onSafetyAlert(alert);
            }

            @Override
            public void onChunk(String chunk) {
              recorded.onChunk(chunk);
            }

            @Override
            public void onComplete(String fullReply) {
              recorded.onComplete(fullReply);
            }

            @Override
            public void onError(ConversationError error) {
              recorded.onError(error);
            }
          };

      engine.submit("alice", id, "panic attack, i want to die", listener);
      TurnAssessment assessment = heard.get(10, TimeUnit.SECONDS);
      recorded.awaitEnd();

      assertEquals(SafetyTier.CRITICAL, assessment.tier());
      assertEquals("crisis_support", assessment.intent());
      assertTrue(
          assessment.exercises().stream()
              .map(GuidedExercise::id)
              .toList()
              .contains("ex_breathing"));
      assertEquals(List.of("assessed", "alert"), order.subList(0, 2));
    }
  }
}
