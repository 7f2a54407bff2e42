package dev.mia.core.safety;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides how much danger one user message signals. Implementations are thread-safe and total: any
 * string, including an empty one, gets an assessment, and they do not throw. A classifier that is
 * unsure between two tiers chooses the higher one, because a missed crisis costs far more than a
 * false alarm. The engine asks through {@link #assessAsync}: a quick classifier (rules) answers on
 * the calling thread; a slow one (a model, a remote service) overrides it to answer from threads of
 * its own, so that the caller, which may be a socket's I/O thread, never waits.
 */
@FunctionalInterface
public interface SafetyClassifier {

  /** {@return the assessment of {@code message}}; may block for a slow classifier */
  SafetyAssessment assess(String message);

  /**
   * {@return a stage with the assessment of {@code message}} By default {@link #assess} at once, on
   * the calling thread; a classifier that takes more than a few microseconds or waits on I/O runs
   * elsewhere and completes the stage from there.
   */
  default CompletionStage<SafetyAssessment> assessAsync(String message) {
    return CompletableFuture.completedFuture(assess(message));
  }
}
