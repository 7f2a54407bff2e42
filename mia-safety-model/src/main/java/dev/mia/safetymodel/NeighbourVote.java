package dev.mia.safetymodel;

import java.util.Arrays;
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

  // All vectors one after another: one pass over contiguous memory per piece.
  private final float[] vectors;
  private final int dimensions;
  private final int count;
  private final int[] tiers; // 0, 1, 2 for tiers 1, 2, 3
  private final double[] tierWeights;

  NeighbourVote(List<float[]> vectors, int[] tiers) {
    Objects.requireNonNull(vectors, "vectors == null");
    if (vectors.size() != tiers.length || vectors.size() < K) {
      throw new IllegalArgumentException(
          "need one tier per vector and at least " + K + " vectors, got " + vectors.size());
    }
    this.count = vectors.size();
    this.dimensions = vectors.get(0).length;
    this.vectors = new float[count * dimensions];
    for (int i = 0; i < count; i++) {
      if (vectors.get(i).length != dimensions) {
        throw new IllegalArgumentException("vectors of different lengths");
      }
      System.arraycopy(vectors.get(i), 0, this.vectors, i * dimensions, dimensions);
    }
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
    return count;
  }

  float[] vector(int i) {
    return Arrays.copyOfRange(vectors, i * dimensions, (i + 1) * dimensions);
  }

  int tier(int i) {
    return tiers[i];
  }

  /** {@return p(tier 1), p(tier 2), p(tier 3) by the vote of the neighbours of {@code piece}} */
  double[] probabilities(double[] piece) {
    int[] best = new int[K];
    double[] bestSimilarity = new double[K];
    int found = 0;
    float[] query = new float[dimensions];
    for (int d = 0; d < dimensions; d++) {
      query[d] = (float) piece[d];
    }
    for (int i = 0; i < count; i++) {
      double similarity = dot(query, vectors, i * dimensions);
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

  // Four running sums: the loop runs once per stored number, tens of thousands of times per piece.
  private float dot(float[] query, float[] all, int offset) {
    float a = 0;
    float b = 0;
    float c = 0;
    float e = 0;
    int d = 0;
    for (; d + 3 < dimensions; d += 4) {
      a += query[d] * all[offset + d];
      b += query[d + 1] * all[offset + d + 1];
      c += query[d + 2] * all[offset + d + 2];
      e += query[d + 3] * all[offset + d + 3];
    }
    for (; d < dimensions; d++) {
      a += query[d] * all[offset + d];
    }
    return (a + b) + (c + e);
  }
}
