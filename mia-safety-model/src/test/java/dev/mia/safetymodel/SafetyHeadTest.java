package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mia.core.safety.SafetyTier;
import org.junit.jupiter.api.Test;

class SafetyHeadTest {
  // One feature: class scores 0, 2x and 4x, so a larger feature means more risk and more tier 3.
  private final SafetyHead head =
      new SafetyHead(
          new LogisticRegression(new double[][] {{0, 0}, {2, 0}, {4, 0}}), 0.9, 0.5, "test");

  @Test
  void aCalmMessageWithOneAlarmingSentenceIsJudgedByThatSentence() {
    float[][] pieces = {{0f}, {-1f}, {3f}, {0.2f}};

    assertEquals(SafetyTier.CRITICAL, head.assess(pieces).tier());
  }

  @Test
  void calmPiecesStayNormal() {
    float[][] pieces = {{0f}, {-1f}, {0.1f}};

    assertEquals(SafetyTier.NORMAL, head.assess(pieces).tier());
  }
}
