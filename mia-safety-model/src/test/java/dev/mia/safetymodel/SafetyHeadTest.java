package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mia.core.safety.SafetyTier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafetyHeadTest {
  private final SafetyHead head = oneFeatureHead();

  // One feature. Regression: class scores 0, 2x and 4x, so a larger feature means more risk and
  // more tier 3. Neighbours: 13 tier-3 messages at +1, 12 tier-1 messages at -1.
  private static SafetyHead oneFeatureHead() {
    List<float[]> vectors = new ArrayList<>();
    int[] tiers = new int[NeighbourVote.K];
    for (int i = 0; i < NeighbourVote.K; i++) {
      boolean crisis = i % 2 == 0;
      vectors.add(new float[] {crisis ? 1f : -1f});
      tiers[i] = crisis ? 2 : 0;
    }
    return new SafetyHead(
        new LogisticRegression(new double[][] {{0, 0}, {2, 0}, {4, 0}}),
        new NeighbourVote(vectors, tiers),
        0.9,
        0.5,
        "test");
  }

  @Test
  void aCalmMessageWithOneAlarmingSentenceIsJudgedByThatSentence() {
    float[][] pieces = {{0f}, {-1f}, {3f}};

    assertEquals(SafetyTier.CRITICAL, head.assess(pieces).tier());
  }

  @Test
  void calmPiecesStayNormal() {
    float[][] pieces = {{0f}, {-1f}};

    assertEquals(SafetyTier.NORMAL, head.assess(pieces).tier());
  }
}
