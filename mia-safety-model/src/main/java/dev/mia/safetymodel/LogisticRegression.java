package dev.mia.safetymodel;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Objects;

/**
 * Multinomial logistic regression (softmax over classes) with an L2 penalty on the weights (not the
 * biases) and per-example weights, fitted by L-BFGS with a backtracking line search.
 *
 * <p>Written here rather than taken from a library: it is some 200 lines, the loss is convex so the
 * answer does not depend on the optimiser's details, and owning it keeps the fit exactly
 * reproducible (plain loops in a fixed order, no threads, no random start: the weights start at
 * zero). The JVM's strict IEEE arithmetic (Java 17) makes the result bit-identical on every run.
 *
 * <p>Immutable once fitted; {@link #probabilities} is thread-safe.
 */
final class LogisticRegression {
  private final double[][] weights; // [class][feature], last column the bias

  LogisticRegression(double[][] weights) {
    this.weights = copy(Objects.requireNonNull(weights, "weights == null"));
  }

  /** The knobs of a fit. */
  record Options(double l2, int maxIterations, double tolerance) {
    static final Options DEFAULT = new Options(1e-3, 500, 1e-7);

    Options {
      if (l2 < 0 || maxIterations < 1 || tolerance <= 0) {
        throw new IllegalArgumentException(
            "need l2 >= 0, maxIterations >= 1, tolerance > 0: " + l2 + ", " + maxIterations);
      }
    }
  }

  /**
   * {@return the model minimising the weighted mean log loss plus {@code l2/2 * |weights|^2}}
   *
   * @param x one row of features per example, all the same length
   * @param y each example's class, from 0 to {@code classes - 1}
   * @param exampleWeights each example's weight in the loss (e.g. to balance classes)
   */
  static LogisticRegression fit(
      double[][] x, int[] y, double[] exampleWeights, int classes, Options options) {
    if (x.length == 0 || x.length != y.length || x.length != exampleWeights.length) {
      throw new IllegalArgumentException("need as many labels and weights as rows, and a row");
    }
    int features = x[0].length;
    for (double[] row : x) {
      if (row.length != features) {
        throw new IllegalArgumentException("rows differ in length");
      }
    }
    for (int label : y) {
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException("label " + label + " outside 0.." + (classes - 1));
      }
    }
    Objective objective = new Objective(x, y, exampleWeights, classes, options.l2());
    double[] w = lbfgs(objective, new double[classes * (features + 1)], options);
    double[][] weights = new double[classes][];
    for (int k = 0; k < classes; k++) {
      weights[k] = Arrays.copyOfRange(w, k * (features + 1), (k + 1) * (features + 1));
    }
    return new LogisticRegression(weights);
  }

  int classes() {
    return weights.length;
  }

  int features() {
    return weights[0].length - 1;
  }

  double[][] weights() {
    return copy(weights);
  }

  /** {@return the probability of each class for {@code features}} */
  double[] probabilities(double[] features) {
    if (features.length != features()) {
      throw new IllegalArgumentException(
          "expected " + features() + " features, got " + features.length);
    }
    double[] scores = new double[weights.length];
    for (int k = 0; k < weights.length; k++) {
      scores[k] = score(weights[k], features);
    }
    return softmax(scores);
  }

  private static double score(double[] w, double[] features) {
    double s = w[features.length];
    for (int j = 0; j < features.length; j++) {
      s += w[j] * features[j];
    }
    return s;
  }

  static double[] softmax(double[] scores) {
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    double[] p = new double[scores.length];
    for (int k = 0; k < scores.length; k++) {
      p[k] = Math.exp(scores[k] - max);
      sum += p[k];
    }
    for (int k = 0; k < scores.length; k++) {
      p[k] /= sum;
    }
    return p;
  }

  /** The weighted mean log loss and its gradient, over a flat vector of all the weights. */
  private static final class Objective {
    private final double[][] x;
    private final int[] y;
    private final double[] exampleWeights;
    private final int classes;
    private final int stride;
    private final double l2;
    private final double totalWeight;

    Objective(double[][] x, int[] y, double[] exampleWeights, int classes, double l2) {
      this.x = x;
      this.y = y;
      this.exampleWeights = exampleWeights;
      this.classes = classes;
      this.stride = x[0].length + 1;
      this.l2 = l2;
      double total = 0;
      for (double weight : exampleWeights) {
        if (!(weight >= 0)) {
          throw new IllegalArgumentException("example weights must be >= 0");
        }
        total += weight;
      }
      if (total <= 0) {
        throw new IllegalArgumentException("example weights sum to 0");
      }
      this.totalWeight = total;
    }

    /** {@return the loss at {@code w}}, writing its gradient into {@code gradient} */
    double evaluate(double[] w, double[] gradient) {
      Arrays.fill(gradient, 0);
      double loss = 0;
      double[] scores = new double[classes];
      int features = stride - 1;
      for (int i = 0; i < x.length; i++) {
        double[] row = x[i];
        for (int k = 0; k < classes; k++) {
          double s = w[k * stride + features];
          for (int j = 0; j < features; j++) {
            s += w[k * stride + j] * row[j];
          }
          scores[k] = s;
        }
        double[] p = softmax(scores);
        double weight = exampleWeights[i] / totalWeight;
        loss -= weight * Math.log(Math.max(p[y[i]], 1e-300));
        for (int k = 0; k < classes; k++) {
          double delta = weight * (p[k] - (k == y[i] ? 1 : 0));
          int base = k * stride;
          for (int j = 0; j < features; j++) {
            gradient[base + j] += delta * row[j];
          }
          gradient[base + features] += delta;
        }
      }
      for (int k = 0; k < classes; k++) {
        for (int j = 0; j < features; j++) {
          double v = w[k * stride + j];
          loss += 0.5 * l2 * v * v;
          gradient[k * stride + j] += l2 * v;
        }
      }
      return loss;
    }
  }

  /** Limited-memory BFGS (Nocedal and Wright, algorithm 7.4) with Armijo backtracking. */
  private static double[] lbfgs(Objective f, double[] start, Options options) {
    int memory = 10;
    double[] w = start.clone();
    double[] g = new double[w.length];
    double loss = f.evaluate(w, g);
    Deque<double[]> ss = new ArrayDeque<>();
    Deque<double[]> ys = new ArrayDeque<>();
    double[] next = new double[w.length];
    double[] nextG = new double[w.length];
    for (int iteration = 0; iteration < options.maxIterations(); iteration++) {
      if (norm(g) < options.tolerance()) {
        break;
      }
      double[] direction = twoLoop(g, ss, ys);
      double slope = dot(direction, g);
      if (slope >= 0) { // not a descent direction: forget the history and go down the gradient
        ss.clear();
        ys.clear();
        direction = scale(g, -1);
        slope = dot(direction, g);
      }
      double step = 1;
      double nextLoss;
      int tries = 0;
      while (true) {
        for (int i = 0; i < w.length; i++) {
          next[i] = w[i] + step * direction[i];
        }
        nextLoss = f.evaluate(next, nextG);
        if (nextLoss <= loss + 1e-4 * step * slope || ++tries > 40) {
          break;
        }
        step *= 0.5;
      }
      if (tries > 40) {
        break; // no progress possible at this precision
      }
      double[] s = new double[w.length];
      double[] yv = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        s[i] = next[i] - w[i];
        yv[i] = nextG[i] - g[i];
      }
      if (dot(s, yv) > 1e-12) { // keep the pair only if it keeps the Hessian estimate positive
        ss.addLast(s);
        ys.addLast(yv);
        if (ss.size() > memory) {
          ss.removeFirst();
          ys.removeFirst();
        }
      }
      double improvement = loss - nextLoss;
      System.arraycopy(next, 0, w, 0, w.length);
      System.arraycopy(nextG, 0, g, 0, g.length);
      loss = nextLoss;
      if (improvement < 1e-12 * Math.max(1, Math.abs(loss))) {
        break;
      }
    }
    return w;
  }

  private static double[] twoLoop(double[] g, Deque<double[]> ss, Deque<double[]> ys) {
    double[] q = g.clone();
    int m = ss.size();
    double[][] s = ss.toArray(new double[0][]);
    double[][] y = ys.toArray(new double[0][]);
    double[] alpha = new double[m];
    for (int i = m - 1; i >= 0; i--) {
      double rho = 1 / dot(y[i], s[i]);
      alpha[i] = rho * dot(s[i], q);
      for (int j = 0; j < q.length; j++) {
        q[j] -= alpha[i] * y[i][j];
      }
    }
    double gamma = m == 0 ? 1 : dot(s[m - 1], y[m - 1]) / dot(y[m - 1], y[m - 1]);
    for (int j = 0; j < q.length; j++) {
      q[j] *= gamma;
    }
    for (int i = 0; i < m; i++) {
      double rho = 1 / dot(y[i], s[i]);
      double beta = rho * dot(y[i], q);
      for (int j = 0; j < q.length; j++) {
        q[j] += s[i][j] * (alpha[i] - beta);
      }
    }
    for (int j = 0; j < q.length; j++) {
      q[j] = -q[j];
    }
    return q;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static double[] scale(double[] a, double factor) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] * factor;
    }
    return out;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
