package dev.mia.safetymodel;

import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import java.util.concurrent.CompletionStage;

/**
 * A {@link SafetyClassifier} that runs a sentence-embedding model on threads of its own. Built by
 * {@link SafetyModels}; share one instance and {@link #close()} it at shutdown.
 *
 * <p>{@link #assessAsync} never runs the model on the calling thread: it runs the rules there (a
 * millisecond or less), queues the model on the classifier's bounded pool and returns at once. When
 * the queue is full, or the classifier is closed, the stage completes at once with the rules'
 * assessment alone and {@link #fallbacks()} counts it: the caller never waits for a slot. With a
 * queue wait ({@link SafetyModels.Builder#queueWait}), a message no model thread has taken by then
 * completes with the rules' assessment too, and counts the same way. If the model fails on a
 * message, the rules' assessment stands too ({@link #failures()}). The stage never completes
 * exceptionally.
 *
 * <p>{@link #assess} waits for the model's answer, blocking the calling thread; use it only off any
 * event loop (tests, batch evaluation). Thread-safe.
 */
public interface SafetyModelClassifier extends SafetyClassifier, AutoCloseable {

  /** {@return the combined assessment, computed on the classifier's pool; never exceptional} */
  @Override
  CompletionStage<SafetyAssessment> assessAsync(String message);

  /** {@return the combined assessment}, waiting for the model on the calling thread */
  @Override
  SafetyAssessment assess(String message);

  /**
   * {@return how many messages got the rules' answer alone because the queue was full or closed, or
   * they waited past the queue wait}
   */
  long fallbacks();

  /** {@return how many messages got the rules' answer alone because the model failed} */
  long failures();

  /** {@return how many messages the model judged: its answer was combined with the rules'} */
  long judged();

  /**
   * {@return the processor time the model's threads have spent on messages, in nanoseconds}: each
   * thread's CPU time where the JVM measures it, else the time that passed; a message the model
   * failed on counts too, since the time was spent
   */
  long judgingNanos();

  /**
   * Stops taking messages, lets those already queued finish (for a few seconds at most; any still
   * waiting then complete with the rules' answer), stops the pool's threads and frees the model.
   * Idempotent.
   */
  @Override
  void close();
}
