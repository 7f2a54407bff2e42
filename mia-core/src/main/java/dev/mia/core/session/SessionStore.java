package dev.mia.core.session;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where sessions live. Every operation returns at once with a stage that completes when the
 * operation has taken effect; for a durable store, once it is on disk. A store may complete stages
 * on its own threads, so callers hand heavy work to their own executors. Writes to one session take
 * effect in the order they were called; a stage never completes exceptionally for a session that is
 * gone (the result says so) but may with {@link SessionStoreFullException}, or with the store's own
 * failure (a lost database connection). Thread-safe; arguments are never null. A store may forget
 * sessions (idle expiry); a forgotten session is simply absent. Close it at shutdown: a durable
 * store finishes the writes it has accepted first.
 */
public interface SessionStore extends AutoCloseable {

  /** {@return the session with this id and its whole history, if the store holds it} */
  CompletionStage<Optional<Session>> find(String sessionId);

  /**
   * Stores a new session.
   *
   * @return a stage failing with {@link SessionStoreFullException} if the store is at its capacity
   *     and with {@link IllegalStateException} if a session with the same id exists
   */
  CompletionStage<Void> create(Session session);

  /**
   * Appends a user message whose reply is owed ({@link MessageStatus#PENDING}) at the end of the
   * session's history. {@return whether the session exists}
   */
  CompletionStage<Boolean> accept(String sessionId, ChatMessage message);

  /**
   * Appends a message that owes nothing ({@link MessageStatus#COMPLETE}, whatever status it
   * carries) at the end of the session's history: the words of a conversation whose replies the
   * engine does not write, such as a voice conversation's transcripts. A reply that later settles
   * an older owed message still goes right after that message. {@return whether the session exists}
   */
  CompletionStage<Boolean> append(String sessionId, ChatMessage message);

  /**
   * Records what one message taught about the session: the user's age (kept if empty), the mode,
   * and the tier (a tier below an alert keeps the stored one). {@return whether the session exists}
   */
  CompletionStage<Boolean> recordProfile(
      String sessionId, OptionalInt age, Mode mode, SafetyTier tier, long now);

  /**
   * Ends the turn of the session's oldest {@link MessageStatus#PENDING} message: marks it {@link
   * MessageStatus#COMPLETE} and, if there is one, puts the reply right after it, both at once. A
   * history therefore reads as the conversation went: each message followed by its reply, the
   * messages still owed at the end. {@return whether the session exists}
   */
  CompletionStage<Boolean> settle(String sessionId, Optional<ChatMessage> reply);

  /**
   * Records that the user of the session took a step worth remembering. {@return whether the
   * session exists}
   */
  CompletionStage<Boolean> recordProgress(String sessionId, ProgressMarker marker);

  /** Records the user's rating of the session. {@return whether the session exists} */
  CompletionStage<Boolean> recordFeedback(String sessionId, Feedback feedback);

  /** {@return the session's progress markers, oldest first; empty if it is gone} */
  CompletionStage<List<ProgressMarker>> progress(String sessionId);

  /** {@return the session's feedback, oldest first; empty if it is gone} */
  CompletionStage<List<Feedback>> feedback(String sessionId);

  /**
   * {@return whether the store can serve now, as cheaply as the store can tell} For a server's
   * readiness probe, which may ask every second: a store behind a network checks that it answers,
   * within a second or so, and never blocks the caller; a store in this process's memory is always
   * healthy (the default). The stage never fails: a failure to check is an {@link
   * StoreHealth.Unhealthy} answer.
   */
  default CompletionStage<StoreHealth> health() {
    return CompletableFuture.completedFuture(StoreHealth.HEALTHY);
  }

  /** Finishes what has been accepted and lets go of resources; by default there are none. */
  @Override
  default void close() {}
}
