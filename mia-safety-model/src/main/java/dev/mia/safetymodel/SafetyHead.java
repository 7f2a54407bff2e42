package dev.mia.safetymodel;

import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyTier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The trained part of the classifier: logistic-regression weights over the sentence embedding, the
 * training vectors whose {@link NeighbourVote vote} is blended with it, and the two thresholds that
 * turn the three blended probabilities into a tier.
 *
 * <p>The decision, for each piece of a message (its windows and sentences): the <em>risk</em> is
 * {@code p(tier 2) + p(tier 3)}, and the piece with the highest risk decides. Below {@code
 * alertThreshold} the model says tier 1; it was chosen by cross-validation as the lowest threshold
 * that keeps the tier-1 false alarms of rules and model together at or under 3%. At or above it,
 * the model says tier 3 when {@code p(tier 3) >= tier3Share * risk}, else tier 2: a share under one
 * half leans to tier 3 when the two are close, because a missed crisis costs more than a tier-3
 * alert for a tier-2 message.
 *
 * <p>Stored as text ({@code safety-head.txt}, written by {@link HeadTrainer} at build time): the
 * weights in Java's shortest round-trip form, the vectors as Base64 of their float bits, so reading
 * it back gives the same numbers. Immutable and thread-safe.
 */
final class SafetyHead implements AutoCloseable {
  static final String RESOURCE = "/dev/mia/safetymodel/safety-head.txt";
  private static final String FORMAT = "mia-safety-head 2";

  /** The regression's share of the blend; the neighbours' vote has the rest. */
  static final double REGRESSION_WEIGHT = 0.15;

  private final LogisticRegression regression;
  private final NeighbourVote neighbours;
  private final double alertThreshold;
  private final double tier3Share;
  private final String stamp;

  SafetyHead(
      LogisticRegression regression,
      NeighbourVote neighbours,
      double alertThreshold,
      double tier3Share,
      String stamp) {
    this.regression = Objects.requireNonNull(regression, "regression == null");
    this.neighbours = Objects.requireNonNull(neighbours, "neighbours == null");
    if (!(alertThreshold > 0 && alertThreshold <= 1) || !(tier3Share >= 0 && tier3Share <= 1)) {
      throw new IllegalArgumentException(
          "thresholds out of range: " + alertThreshold + ", " + tier3Share);
    }
    this.alertThreshold = alertThreshold;
    this.tier3Share = tier3Share;
    this.stamp = Objects.requireNonNull(stamp, "stamp == null");
  }

  /**
   * {@return this head with its neighbours found by ONNX Runtime}: the same answers, faster (see
   * {@link NeighbourVote}); close it when done
   */
  SafetyHead accelerated() {
    return new SafetyHead(regression, neighbours.accelerated(), alertThreshold, tier3Share, stamp);
  }

  /** Frees the native session of an {@link #accelerated()} head; nothing for another. */
  @Override
  public void close() {
    neighbours.close();
  }

  double alertThreshold() {
    return alertThreshold;
  }

  double tier3Share() {
    return tier3Share;
  }

  /** {@return what the head was trained from: a digest of its inputs, to skip retraining} */
  String stamp() {
    return stamp;
  }

  /** {@return p(tier 1), p(tier 2), p(tier 3) of one piece: the regression and the vote blended} */
  double[] probabilities(double[] piece) {
    double[] fitted = regression.probabilities(piece);
    double[] voted = neighbours.probabilities(piece);
    double[] p = new double[3];
    for (int t = 0; t < 3; t++) {
      p[t] = REGRESSION_WEIGHT * fitted[t] + (1 - REGRESSION_WEIGHT) * voted[t];
    }
    return p;
  }

  double[] probabilities(float[] piece) {
    double[] widened = new double[piece.length];
    for (int i = 0; i < widened.length; i++) {
      widened[i] = piece[i];
    }
    return probabilities(widened);
  }

  /** {@return the tier of these probabilities (tier 1, 2, 3 in that order)} */
  SafetyTier tier(double[] p) {
    return decide(p, alertThreshold, tier3Share);
  }

  static SafetyTier decide(double[] p, double alertThreshold, double tier3Share) {
    double risk = p[1] + p[2];
    if (risk < alertThreshold) {
      return SafetyTier.NORMAL;
    }
    return p[2] >= tier3Share * risk ? SafetyTier.CRITICAL : SafetyTier.MODERATE;
  }

  /**
   * {@return the assessment of a message's pieces (its windows and sentences)}: the piece with the
   * highest risk decides, as in training ({@link #riskiest})
   */
  SafetyAssessment assess(float[][] pieces) {
    List<double[]> probabilities = new ArrayList<>(pieces.length);
    for (float[] piece : pieces) {
      probabilities.add(probabilities(piece));
    }
    SafetyTier tier = tier(riskiest(probabilities));
    return tier == SafetyTier.NORMAL
        ? SafetyAssessment.NORMAL
        : new SafetyAssessment(
            tier, tier == SafetyTier.CRITICAL ? "model-critical" : "model-moderate");
  }

  /** {@return the probabilities with the highest risk, {@code p(2) + p(3)}; the first on a tie} */
  static double[] riskiest(List<double[]> probabilities) {
    double[] best = probabilities.get(0);
    for (double[] p : probabilities) {
      if (p[1] + p[2] > best[1] + best[2]) {
        best = p;
      }
    }
    return best;
  }

  String toText() {
    StringBuilder out = new StringBuilder();
    out.append(FORMAT).append('\n');
    out.append("# Written by HeadTrainer at build time from mia-safety-model/data; do not edit.\n");
    out.append("stamp ").append(stamp).append('\n');
    out.append("alert-threshold ").append(alertThreshold).append('\n');
    out.append("tier3-share ").append(tier3Share).append('\n');
    double[][] weights = regression.weights();
    out.append("classes ")
        .append(weights.length)
        .append(" features ")
        .append(weights[0].length - 1);
    out.append('\n');
    for (double[] row : weights) {
      for (int j = 0; j < row.length; j++) {
        out.append(j == 0 ? "" : " ").append(row[j]);
      }
      out.append('\n');
    }
    // The neighbours: "n", the tier (0 to 2), the vector's floats as Base64 of their big-endian
    // bits: exact, and a third of the size of decimal text.
    for (int i = 0; i < neighbours.size(); i++) {
      float[] vector = neighbours.vector(i);
      ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
      for (float value : vector) {
        bytes.putFloat(value);
      }
      out.append("n ")
          .append(neighbours.tier(i))
          .append(' ')
          .append(Base64.getEncoder().encodeToString(bytes.array()))
          .append('\n');
    }
    return out.toString();
  }

  /**
   * {@return the head stored in {@code text}}
   *
   * @throws IllegalArgumentException if it is not in the format {@link #toText} writes
   */
  static SafetyHead parse(BufferedReader in) throws IOException {
    String first = in.readLine();
    if (!FORMAT.equals(first)) {
      throw new IllegalArgumentException("not a safety head: first line " + first);
    }
    String stamp = null;
    double alert = Double.NaN;
    double share = Double.NaN;
    int classes = -1;
    List<double[]> rows = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    List<Integer> tiers = new ArrayList<>();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.trim().split(" ");
      switch (parts[0]) {
        case "stamp" -> stamp = parts[1];
        case "alert-threshold" -> alert = Double.parseDouble(parts[1]);
        case "tier3-share" -> share = Double.parseDouble(parts[1]);
        case "classes" -> classes = Integer.parseInt(parts[1]);
        case "n" -> {
          tiers.add(Integer.parseInt(parts[1]));
          ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(parts[2]));
          float[] vector = new float[bytes.remaining() / Float.BYTES];
          for (int d = 0; d < vector.length; d++) {
            vector[d] = bytes.getFloat();
          }
          vectors.add(vector);
        }
        default -> {
          double[] row = new double[parts.length];
          for (int j = 0; j < parts.length; j++) {
            row[j] = Double.parseDouble(parts[j]);
          }
          rows.add(row);
        }
      }
    }
    if (stamp == null || classes != 3 || rows.size() != classes || vectors.isEmpty()) {
      throw new IllegalArgumentException("incomplete safety head");
    }
    return new SafetyHead(
        new LogisticRegression(rows.toArray(new double[0][])),
        new NeighbourVote(vectors, tiers.stream().mapToInt(Integer::intValue).toArray()),
        alert,
        share,
        stamp);
  }

  /**
   * {@return the head trained at build time, from the class path}
   *
   * @throws IllegalStateException if it is missing (the build's compile phase writes it)
   */
  static SafetyHead load() {
    try (InputStream stream = SafetyHead.class.getResourceAsStream(RESOURCE)) {
      if (stream == null) {
        throw new IllegalStateException(
            "the trained head "
                + RESOURCE
                + " is missing; build mia-safety-model with Maven: its compile phase trains it");
      }
      return parse(new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "SafetyHead{alertThreshold=%s, tier3Share=%s, features=%d}",
        alertThreshold,
        tier3Share,
        regression.features());
  }
}
