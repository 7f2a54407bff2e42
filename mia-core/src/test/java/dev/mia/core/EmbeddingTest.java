package dev.mia.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.JoinResult;
import dev.mia.core.conversation.SubmitResult;
import dev.mia.core.model.ChatModel;
import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.MessageStatus;
import dev.mia.core.session.ProgressMarker;
import dev.mia.core.session.Role;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStore;
import dev.mia.core.testing.RecordingListener;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Another JVM application embeds Mia through the public API only, with parts of its own: a session
 * store, a safety classifier and a chat model.
 */
@Timeout(30)
class EmbeddingTest {

  /** The application's own store: a map, built on the session's own pure changes. */
  static final class MapSessionStore implements SessionStore {
    final Map<String, Session> sessions = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Optional<Session>> find(String sessionId) {
      return CompletableFuture.completedFuture(Optional.ofNullable(sessions.get(sessionId)));
    }

    @Override
    public CompletionStage<Void> create(Session session) {
      if (sessions.putIfAbsent(session.sessionId(), session) != null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("exists: " + session.sessionId()));
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> accept(String sessionId, ChatMessage message) {
      return change(sessionId, s -> s.withAccepted(message));
    }

    @Override
    public CompletionStage<Boolean> append(String sessionId, ChatMessage message) {
      return change(sessionId, s -> s.withMessage(message.withStatus(MessageStatus.COMPLETE)));
    }

    @Override
    public CompletionStage<Boolean> recordProfile(
        String sessionId, OptionalInt age, Mode mode, SafetyTier tier, long now) {
      return change(
          sessionId,
          s ->
              s.withProfile(
                  age.isPresent() ? age : s.age(),
                  mode,
                  tier.raisesAlert() ? tier : s.safetyTier(),
                  now));
    }

    @Override
    public CompletionStage<Boolean> settle(String sessionId, Optional<ChatMessage> reply) {
      return change(sessionId, s -> s.withSettled(reply));
    }

    @Override
    public CompletionStage<Boolean> recordProgress(String sessionId, ProgressMarker marker) {
      return change(sessionId, s -> s);
    }

    @Override
    public CompletionStage<Boolean> recordFeedback(String sessionId, Feedback feedback) {
      return change(sessionId, s -> s);
    }

    @Override
    public CompletionStage<List<ProgressMarker>> progress(String sessionId) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<Feedback>> feedback(String sessionId) {
      return CompletableFuture.completedFuture(List.of());
    }

    private CompletionStage<Boolean> change(String sessionId, UnaryOperator<Session> change) {
      return CompletableFuture.completedFuture(
          sessions.computeIfPresent(sessionId, (id, s) -> change.apply(s)) != null);
    }
  }

  private final MapSessionStore store = new MapSessionStore();
  private final SafetyClassifier classifier =
      message ->
          message.contains("thunder")
              ? new SafetyAssessment(SafetyTier.MODERATE, "storm-words")
              : SafetyAssessment.NORMAL;
  private final ChatModel model =
      (request, listener) -> {
        List.of("Hello ", "from ", "the ", "app.").forEach(listener::onDelta);
        listener.onComplete();
        return () -> {};
      };
  private final ConversationEngine engine =
      ConversationEngine.builder()
          .sessionStore(store)
          .safetyClassifier(classifier)
          .chatModel(model)
          .build();

  @AfterEach
  void stop() {
    engine.close();
  }

  private String join() {
    JoinResult joined = engine.join("app-user-1", Optional.empty());
    return assertInstanceOf(JoinResult.Joined.class, joined).session().sessionId();
  }

  private RecordingListener say(String sessionId, String message) {
    RecordingListener reply = new RecordingListener();
    SubmitResult result = engine.submit("app-user-1", sessionId, message, reply);
    assertInstanceOf(SubmitResult.Accepted.class, result);
    return reply.awaitEnd();
  }

  @Test
  void embeddedEngineAnswersWithTheAppsModel() {
    String sessionId = join();

    RecordingListener reply = say(sessionId, "Hi Mia");

    assertEquals("Hello from the app.", reply.completion().orElseThrow());
    assertEquals(List.of("Hello ", "from ", "the ", "app."), reply.chunks());
  }

  @Test
  void embeddedEngineKeepsTheConversationInTheAppsStore() {
    String sessionId = join();

    say(sessionId, "Hi Mia");

    Session session = store.sessions.get(sessionId);
    assertEquals(
        List.of(Role.USER, Role.ASSISTANT),
        session.conversationHistory().stream().map(ChatMessage::role).toList());
    assertEquals("Hi Mia", session.conversationHistory().get(0).content());
  }

  @Test
  void embeddedEngineAlertsWithTheAppsClassifier() {
    String sessionId = join();

    RecordingListener reply = say(sessionId, "I hear thunder in my head");

    assertEquals(SafetyTier.MODERATE, reply.alerts().get(0).tier());
    assertEquals(SafetyTier.MODERATE, store.sessions.get(sessionId).safetyTier());
  }
}
