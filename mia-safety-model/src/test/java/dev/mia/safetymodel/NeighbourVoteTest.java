package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighbourVoteTest {
  private static float[] unit(double angle) {
    return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
  }

  @Test
  void aPieceAmongCrisisMessagesIsVotedCrisis() {
    List<float[]> vectors = new ArrayList<>();
    int[] tiers = new int[60];
    for (int i = 0; i < 60; i++) {
      boolean crisis = i < 30;
      vectors.add(unit(crisis ? 0.01 * i : Math.PI - 0.01 * i));
      tiers[i] = crisis ? 2 : 0;
    }
    NeighbourVote vote = new NeighbourVote(vectors, tiers);

    double[] p = vote.probabilities(new double[] {1, 0});

    assertTrue(p[2] > 0.99, "p(tier 3) " + p[2]);
  }

  @Test
  void aCommonTierDoesNotWinByNumbers() {
    // 40 tier-1 and 10 tier-3 messages at the same spot: each tier's votes count as one.
    List<float[]> vectors = new ArrayList<>();
    int[] tiers = new int[50];
    for (int i = 0; i < 50; i++) {
      vectors.add(unit(0));
      tiers[i] = i < 40 ? 0 : 2;
    }
    NeighbourVote vote = new NeighbourVote(vectors, tiers);

    double[] p = vote.probabilities(new double[] {1, 0});

    // the 25 nearest are the first 25 (ties go to the earlier), all tier 1
    assertArrayEquals(new double[] {1, 0, 0}, p, 1e-12);
  }

  @Test
  void probabilitiesSumToOne() {
    List<float[]> vectors = new ArrayList<>();
    int[] tiers = new int[30];
    for (int i = 0; i < 30; i++) {
      vectors.add(unit(0.2 * i));
      tiers[i] = i % 3;
    }
    double[] p = new NeighbourVote(vectors, tiers).probabilities(new double[] {0, 1});

    assertEquals(1.0, p[0] + p[1] + p[2], 1e-12);
  }

  @Test
  void theAcceleratedVoteIsTheVoteOfTheScan() {
    Random random = new Random(11);
    List<float[]> vectors = new ArrayList<>();
    int[] tiers = new int[600];
    for (int i = 0; i < 600; i++) {
      // clusters, and exact copies, so that near-ties and ties occur
      float[] v = i % 7 == 0 && i > 0 ? vectors.get(i - 1) : randomUnit(random, 24);
      vectors.add(v);
      tiers[i] = random.nextInt(3);
    }
    NeighbourVote scan = new NeighbourVote(vectors, tiers);
    try (NeighbourVote accelerated = scan.accelerated()) {
      for (int q = 0; q < 300; q++) {
        float[] query = q % 3 == 0 ? vectors.get(random.nextInt(600)) : randomUnit(random, 24);
        double[] piece = new double[query.length];
        for (int d = 0; d < piece.length; d++) {
          piece[d] = query[d];
        }

        assertArrayEquals(scan.probabilities(piece), accelerated.probabilities(piece), 0.0);
      }
    }
  }

  private static float[] randomUnit(Random random, int dimensions) {
    float[] v = new float[dimensions];
    double norm = 0;
    for (int d = 0; d < dimensions; d++) {
      v[d] = (float) random.nextGaussian();
      norm += v[d] * v[d];
    }
    for (int d = 0; d < dimensions; d++) {
      v[d] = (float) (v[d] / Math.sqrt(norm));
    }
    return v;
  }
}
