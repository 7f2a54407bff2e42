package dev.mia.core.testing;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.ProgressMarker;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStore;
import dev.mia.core.session.StoreHealth;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;

/**
 * A store that passes every call to a real one; a test overrides the calls it watches or breaks.
 */
public class ForwardingSessionStore implements SessionStore {
  private final SessionStore real;

  public ForwardingSessionStore(SessionStore real) {
    this.real = Objects.requireNonNull(real, "real == null");
  }

  @Override
  public CompletionStage<Optional<Session>> find(String sessionId) {
    return real.find(sessionId);
  }

  @Override
  public CompletionStage<Void> create(Session session) {
    return real.create(session);
  }

  @Override
  public CompletionStage<Boolean> accept(String sessionId, ChatMessage message) {
    return real.accept(sessionId, message);
  }

  @Override
  public CompletionStage<Boolean> append(String sessionId, ChatMessage message) {
    return real.append(sessionId, message);
  }

  @Override
  public CompletionStage<Boolean> recordProfile(
      String sessionId, OptionalInt age, Mode mode, SafetyTier tier, long now) {
    return real.recordProfile(sessionId, age, mode, tier, now);
  }

  @Override
  public CompletionStage<Boolean> settle(String sessionId, Optional<ChatMessage> reply) {
    return real.settle(sessionId, reply);
  }

  @Override
  public CompletionStage<Boolean> recordProgress(String sessionId, ProgressMarker marker) {
    return real.recordProgress(sessionId, marker);
  }

  @Override
  public CompletionStage<Boolean> recordFeedback(String sessionId, Feedback feedback) {
    return real.recordFeedback(sessionId, feedback);
  }

  @Override
  public CompletionStage<List<ProgressMarker>> progress(String sessionId) {
    return real.progress(sessionId);
  }

  @Override
  public CompletionStage<List<Feedback>> feedback(String sessionId) {
    return real.feedback(sessionId);
  }

  @Override
  public CompletionStage<StoreHealth> health() {
    return real.health();
  }

  @Override
  public void close() {
    real.close();
  }
}
