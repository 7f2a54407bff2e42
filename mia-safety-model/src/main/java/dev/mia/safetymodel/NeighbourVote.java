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
 *
 * <p>{@link #accelerated()} finds the candidates with ONNX Runtime ({@link SimilarityModel}) and
 * recomputes the {@value #CANDIDATES} best exactly; when that cannot prove it holds the exact
 * nearest {@value #K} (a margin of {@value #MARGIN} between the last of them and the best left out,
 * far above the rounding of either sum), it scans every vector as here. The vote is the same either
 * way. Immutable and thread-safe; close an accelerated one to free its session.
 */
final class NeighbourVote implements AutoCloseable {
  static final int K = 25;
  static final double SHARPNESS = 30;
  static final int CANDIDATES = K + 15;
  static final float MARGIN = 1e-3f;

  // All vectors one after another: one pass over contiguous memory per piece.
  private final float[] vectors;
  private final int dimensions;
  private final int count;
  private final int[] tiers; // 0, 1, 2 for tiers 1, 2, 3
  private final double[] tierWeights;
  private final SimilarityModel candidates; // null: scan in Java

  private NeighbourVote(NeighbourVote exact, SimilarityModel candidates) {
    this.vectors = exact.vectors;
    this.dimensions = exact.dimensions;
    this.count = exact.count;
    this.tiers = exact.tiers;
    this.tierWeights = exact.tierWeights;
    this.candidates = candidates;
  }

  NeighbourVote(List<float[]> vectors, int[] tiers) {
    this.candidates = null;
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

  /** {@return this vote, finding candidates with ONNX Runtime; close it when done} */
  NeighbourVote accelerated() {
    return new NeighbourVote(this, new SimilarityModel(vectors, dimensions, count));
  }

  @Override
  public void close() {
    if (candidates != null) {
      candidates.close();
    }
  }

  /** {@return p(tier 1), p(tier 2), p(tier 3) by the vote of the neighbours of {@code piece}} */
  double[] probabilities(double[] piece) {
    float[] query = new float[dimensions];
    for (int d = 0; d < dimensions; d++) {
      query[d] = (float) piece[d];
    }
    Nearest nearest = candidates == null ? null : fromCandidates(query);
    if (nearest == null) {
      nearest = scan(query);
    }
    double[] votes = new double[3];
    double total = 0;
    for (int n = 0; n < K; n++) {
      int tier = tiers[nearest.index[n]];
      double weight = Math.exp(SHARPNESS * nearest.similarity[n]) * tierWeights[tier];
      votes[tier] += weight;
      total += weight;
    }
    for (int t = 0; t < 3; t++) {
      votes[t] /= total;
    }
    return votes;
  }

  /** The nearest vectors, most similar first, ties by storage order. */
  private record Nearest(int[] index, double[] similarity) {}

  private Nearest scan(float[] query) {
    Nearest top = new Nearest(new int[K], new double[K]);
    int found = 0;
    for (int i = 0; i < count; i++) {
      found = offer(top, found, i, dot(query, vectors, i * dimensions));
    }
    return top;
  }

  /** The exact nearest {@link #K} from ONNX Runtime's candidates; null if not provably so. */
  private Nearest fromCandidates(float[] query) {
    float[] rough = candidates.similarities(query);
    Nearest best = new Nearest(new int[CANDIDATES], new double[CANDIDATES]);
    int found = 0;
    for (int i = 0; i < count; i++) {
      found = offer(best, found, i, rough[i]);
    }
    double bestLeftOut = best.similarity[CANDIDATES - 1]; // at least every vector left out
    Nearest top = new Nearest(new int[K], new double[K]);
    int kept = 0;
    int[] order = best.index.clone();
    Arrays.sort(order); // storage order, so ties go to the earlier vector as in scan
    for (int i : order) {
      kept = offer(top, kept, i, dot(query, vectors, i * dimensions));
    }
    return top.similarity[K - 1] > bestLeftOut + MARGIN ? top : null;
  }

  /** Offers vector {@code i} to a sorted top list holding {@code found}; returns the new count. */
  private static int offer(Nearest top, int found, int i, double similarity) {
    int size = top.index.length;
    if (found < size || similarity > top.similarity[found - 1]) {
      // a later vector never displaces an equal earlier one
      int at = found < size ? found++ : size - 1;
      while (at > 0 && top.similarity[at - 1] < similarity) {
        top.index[at] = top.index[at - 1];
        top.similarity[at] = top.similarity[at - 1];
        at--;
      }
      top.index[at] = i;
      top.similarity[at] = similarity;
    }
    return found;
  }

  // Four running sums: the loop runs once per stored number, tens of thousands of times per piece.
  private float dot(float[] query, float[] all, int offset) {
    // in float, as training computed it: the vote must not depend on which path found it
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
