package dev.mia.safetymodel;

import java.util.List;
import java.util.Objects;

/**
 * The second half of the head: the labelled training messages nearest to a piece of text vote on
 * its tier. The regression draws one flat boundary through the embedding space; wording that sits
 * in a pocket of crisis messages on the wrong side of it is found by its neighbours. In nested
 * cross-validation, blending the two ({@link SafetyHead}) found about 5 points more of tier 3 and 4
 * more of tier 2 than the regression alone at the same false alarms (docs/DETECTION.md).
 *
 * <p>The {@value #K} most similar training vectors (cosine; all are unit vectors) each vote for
 * their tier with weight {@code exp(}{@value #SHARPNESS}{@code * similarity)}, divided by the
 * number of training messages of that tier so that no tier wins by being common. Ties in similarity
 * go to the earlier training message, so the result does not depend on anything but the data.
 * Immutable and thread-safe.
 */
final class NeighbourVote {
  static final int K = 25;
  static final double SHARPNESS = 20;

  private final float[][] vectors;
  private final int[] tiers; // 0, 1, 2 for tiers 1, 2, 3
  private final double[] tierWeights;

  NeighbourVote(List<float[]> vectors, int[] tiers) {
    Objects.requireNonNull(vectors, "vectors == null");
    if (vectors.size() != tiers.length || vectors.size() < K) {
      throw new IllegalArgumentException(
          "need one tier per vector and at least " + K + " vectors, got " + vectors.size());
    }
    this.vectors = vectors.toArray(new float[0][]);
    this.tiers = tiers.clone();
    int[] counts = new int[3];
    for (int tier : tiers) {
      counts[tier]++;
    }
    this.tierWeights = new double[3];
    for (int t = 0; t < 3; t++) {
      tierWeights[t] = counts[t] == 0 ? 0 : 1.0 / counts[t];
    }
  }

  int size() {
    return vectors.length;
  }

  float[] vector(int i) {
    return vectors[i].clone();
  }

  int tier(int i) {
    return tiers[i];
  }

  /** {@return p(tier 1), p(tier 2), p(tier 3) by the vote of the neighbours of {@code piece}} */
  double[] probabilities(double[] piece) {
    int[] best = new int[K];
    double[] bestSimilarity = new double[K];
    int found = 0;
    for (int i = 0; i < vectors.length; i++) {
      float[] vector = vectors[i];
      double similarity = 0;
      for (int d = 0; d < vector.length; d++) {
        similarity += piece[d] * vector[d];
      }
      if (found < K || similarity > bestSimilarity[found - 1]) {
        // insertion into the sorted top K; a later vector never displaces an equal earlier one
        int at = found < K ? found++ : K - 1;
        while (at > 0 && bestSimilarity[at - 1] < similarity) {
          best[at] = best[at - 1];
          bestSimilarity[at] = bestSimilarity[at - 1];
          at--;
        }
        best[at] = i;
        bestSimilarity[at] = similarity;
      }
    }
    double[] votes = new double[3];
    double total = 0;
    for (int n = 0; n < found; n++) {
      double weight = Math.exp(SHARPNESS * bestSimilarity[n]) * tierWeights[tiers[best[n]]];
      votes[tiers[best[n]]] += weight;
      total += weight;
    }
    for (int t = 0; t < 3; t++) {
      votes[t] /= total;
    }
    return votes;
  }
}
