package dev.mia.core.session;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where sessions live. Implementations are thread-safe: any thread may call any method at any time.
 * {@link #update} applies its change atomically with respect to other updates of the same session,
 * so two changes never lose one another; the change function must be pure and quick, as it may run
 * more than once or under a lock. Arguments are never null. A store may forget sessions (idle
 * expiry); a forgotten session is simply absent.
 */
public interface SessionStore {

  /** {@return the session with this id, if the store holds it} */
  Optional<Session> find(String sessionId);

  /**
   * Stores a new session.
   *
   * @throws SessionStoreFullException if the store is at its capacity
   * @throws IllegalStateException if a session with the same id exists
   */
  void create(Session session);

  /** {@return the session after {@code change}, or empty if the store does not hold it} */
  Optional<Session> update(String sessionId, UnaryOperator<Session> change);

  /** {@return the session with {@code message} appended, or empty if it is gone} */
  default Optional<Session> append(String sessionId, ChatMessage message) {
    return update(sessionId, session -> session.withMessage(message));
  }
}
