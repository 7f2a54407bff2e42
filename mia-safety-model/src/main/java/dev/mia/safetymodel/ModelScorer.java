package dev.mia.safetymodel;

import dev.mia.core.safety.SafetyAssessment;

/**
 * The slow part of {@link ModelSafetyClassifier}: the model's assessment of one message. A seam for
 * tests, which put a scorer they control in place of the real model.
 */
interface ModelScorer extends AutoCloseable {
  /** {@return the model's assessment}; may throw, in which case the rules' answer stands */
  SafetyAssessment score(String message);

  @Override
  void close();

  /**
   * The real scorer: the message and its sentences embedded, then the trained head. Thread-safe.
   */
  static ModelScorer of(SentenceEmbedder embedder, SafetyHead head) {
    return new ModelScorer() {
      @Override
      public SafetyAssessment score(String message) {
        return head.assess(embedder.embedPieces(message));
      }

      @Override
      public void close() {
        try (embedder) {
          head.close();
        }
      }
    };
  }
}
