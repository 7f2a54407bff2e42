package dev.mia.safetymodel;

import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import dev.mia.safetymodel.SafetyModelTraining.Embedded;
import dev.mia.safetymodel.SafetyModelTraining.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * How the head is trained, in one place for the build-time trainer and the evaluator's
 * cross-validation: balanced class weights, an L2 penalty of {@value #L2}, thresholds chosen on
 * out-of-fold predictions of a {@value #FOLDS}-fold split. Deterministic: fixed seeds, fixed
 * orders, one thread.
 *
 * <p>Why these settings (5-fold cross-validation on the training data only, docs/DETECTION.md): the
 * raw unit embeddings with {@code l2 = 1e-4} gave the best recall at 3% false alarms; a weaker
 * penalty (1e-5, 0) makes the fit so confident that no threshold reaches 3% false alarms, a
 * stronger one (1e-3) or scaled-up features lose recall; balanced class weights raise tier 2 recall
 * by 1 to 4 points (tier 3 within one); hashed word and character n-grams, alone or beside the
 * embedding, and the rules' tier as two extra features, did not do better.
 */
final class HeadTraining {
  static final double L2 = 1e-4;
  static final int FOLDS = 5;
  static final long FOLD_SEED = 7;

  /**
   * The tier-1 false alarms of rules and model together that the alert threshold allows, out of
   * fold: half a point under the 3% we hold the classifier to, because on unseen batches they ran
   * above the cross-validated figure four times in five (2.6 to 4.9% against 2.8 to 2.9%). (Until
   * the rules' own false alarms were brought under it, the budget applied to the model's alone.)
   */
  static final double MAX_FALSE_ALARMS = 0.025;

  private HeadTraining() {}

  /**
   * {@return each example's fold, 0 to {@code k - 1}}: stratified by (tier, category), each stratum
   * in id order shuffled by one {@link Random}, then dealt round the folds in turn
   */
  static int[] folds(List<Example> examples, int k, long seed) {
    Map<String, List<Integer>> strata = new TreeMap<>();
    for (int i = 0; i < examples.size(); i++) {
      Example e = examples.get(i);
      strata.computeIfAbsent(e.tier().level() + ":" + e.category(), s -> new ArrayList<>()).add(i);
    }
    Random random = new Random(seed);
    int[] fold = new int[examples.size()];
    int next = 0;
    for (List<Integer> stratum : strata.values()) {
      List<Integer> order = new ArrayList<>(stratum);
      order.sort((a, b) -> examples.get(a).id().compareTo(examples.get(b).id()));
      Collections.shuffle(order, random);
      for (int i : order) {
        fold[i] = next++ % k;
      }
    }
    return fold;
  }

  static int[] labels(List<Example> examples) {
    int[] y = new int[examples.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = examples.get(i).tier().level() - 1;
    }
    return y;
  }

  static int[] rulesTiers(List<Example> examples, SafetyClassifier rules) {
    int[] tiers = new int[examples.size()];
    for (int i = 0; i < tiers.length; i++) {
      tiers[i] = rules.assess(examples.get(i).text()).tier().level() - 1;
    }
    return tiers;
  }

  /** {@return the regression fitted to these rows, classes weighted to count equally} */
  static LogisticRegression fit(double[][] x, int[] y) {
    int[] counts = new int[3];
    for (int label : y) {
      counts[label]++;
    }
    double[] weights = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      weights[i] = (double) y.length / (3.0 * counts[y[i]]);
    }
    return LogisticRegression.fit(x, y, weights, 3, new LogisticRegression.Options(L2, 1000, 1e-7));
  }

  /**
   * {@return each row's probabilities from a fit on the other folds' whole vectors}: those of its
   * riskiest piece, as the classifier decides at run time
   */
  static double[][] outOfFold(Embedded x, int[] y, int[] fold, int k) {
    double[][] p = new double[x.whole().length][];
    for (int f = 0; f < k; f++) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < p.length; i++) {
        if (fold[i] != f) {
          rows.add(i);
        }
      }
      SafetyHead unthresholded =
          new SafetyHead(
              fit(select(x.whole(), rows), select(y, rows)),
              neighbours(select(x.whole(), rows), select(y, rows)),
              1.0,
              0.5,
              "fold");
      for (int i = 0; i < p.length; i++) {
        if (fold[i] == f) {
          p[i] = riskiest(unthresholded, x.pieces()[i]);
        }
      }
    }
    return p;
  }

  static double[] riskiest(SafetyHead head, double[][] pieces) {
    List<double[]> probabilities = new ArrayList<>(pieces.length);
    for (double[] piece : pieces) {
      probabilities.add(head.probabilities(piece));
    }
    return SafetyHead.riskiest(probabilities);
  }

  static NeighbourVote neighbours(double[][] whole, int[] y) {
    List<float[]> vectors = new ArrayList<>(whole.length);
    for (double[] vector : whole) {
      float[] narrowed = new float[vector.length];
      for (int d = 0; d < vector.length; d++) {
        narrowed[d] = (float) vector[d]; // exact: the vectors were floats
      }
      vectors.add(narrowed);
    }
    return new NeighbourVote(vectors, y);
  }

  /**
   * {@return the head for these examples}: thresholds from out-of-fold probabilities, weights from
   * a fit on all of them
   *
   * @param x the examples' embeddings
   * @param rules each example's tier by the rules, 0 to 2, for choosing the tier-3 share on the
   *     combined answer
   */
  static SafetyHead train(List<Example> examples, Embedded x, int[] rules, String stamp) {
    int[] y = labels(examples);
    double[][] oof = outOfFold(x, y, folds(examples, FOLDS, FOLD_SEED), FOLDS);
    double alert = chooseAlertThreshold(oof, y, rules);
    double share = chooseTier3Share(oof, y, rules, alert);
    return new SafetyHead(fit(x.whole(), y), neighbours(x.whole(), y), alert, share, stamp);
  }

  /**
   * The lowest threshold from 0.5 to 0.995, in steps of 0.005, that keeps the combined answer's
   * false alarms (the rules' or the model's) within the budget; 1.0 (the model never alerts) when
   * the rules alone exceed it.
   */
  static double chooseAlertThreshold(double[][] p, int[] y, int[] rules) {
    int normal = 0;
    for (int label : y) {
      normal += label == 0 ? 1 : 0;
    }
    double chosen = 1.0;
    for (int step = 199; step >= 100; step--) {
      double threshold = step / 200.0;
      int alarms = 0;
      for (int i = 0; i < y.length; i++) {
        if (y[i] == 0 && (rules[i] > 0 || p[i][1] + p[i][2] >= threshold)) {
          alarms++;
        }
      }
      if (alarms > MAX_FALSE_ALARMS * normal) {
        break;
      }
      chosen = threshold;
    }
    return chosen;
  }

  /**
   * The share from 0.2 to 0.6, in steps of 0.05, that leaves the larger of the two smaller margins
   * to the targets (tier 3 recall 0.95, tier 2 recall 0.90) on the combined answer; the smaller
   * share on a tie, which leans to tier 3.
   */
  static double chooseTier3Share(double[][] p, int[] y, int[] rules, double alert) {
    double best = 0.5;
    double bestMargin = Double.NEGATIVE_INFINITY;
    for (int step = 4; step <= 12; step++) {
      double share = step / 20.0;
      int[] hits = new int[3];
      int[] totals = new int[3];
      for (int i = 0; i < y.length; i++) {
        int model = SafetyHead.decide(p[i], alert, share).level() - 1;
        int combined = Math.max(model, rules[i]);
        totals[y[i]]++;
        hits[y[i]] += combined == y[i] ? 1 : 0;
      }
      double margin =
          Math.min(
              (double) hits[2] / Math.max(1, totals[2]) - 0.95,
              (double) hits[1] / Math.max(1, totals[1]) - 0.90);
      if (margin > bestMargin) {
        bestMargin = margin;
        best = share;
      }
    }
    return best;
  }

  /**
   * {@return each example's model tier from a head trained without its fold}: nested, so the
   * thresholds too are chosen without it (a fair estimate of how the whole recipe does on new data)
   */
  static List<SafetyTier> crossValidate(
      List<Example> examples, Embedded x, int[] rules, int k, long seed) {
    int[] fold = folds(examples, k, seed);
    SafetyTier[] tiers = new SafetyTier[examples.size()];
    for (int f = 0; f < k; f++) {
      List<Integer> rows = new ArrayList<>();
      List<Example> part = new ArrayList<>();
      for (int i = 0; i < tiers.length; i++) {
        if (fold[i] != f) {
          rows.add(i);
          part.add(examples.get(i));
        }
      }
      Embedded subset = new Embedded(select(x.whole(), rows), select(x.pieces(), rows));
      SafetyHead head = train(part, subset, select(rules, rows), "cv");
      for (int i = 0; i < tiers.length; i++) {
        if (fold[i] == f) {
          tiers[i] = head.tier(riskiest(head, x.pieces()[i]));
        }
      }
    }
    return List.of(tiers);
  }

  static double[][] select(double[][] x, List<Integer> rows) {
    double[][] out = new double[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[rows.get(i)];
    }
    return out;
  }

  static double[][][] select(double[][][] x, List<Integer> rows) {
    double[][][] out = new double[rows.size()][][];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[rows.get(i)];
    }
    return out;
  }

  static int[] select(int[] y, List<Integer> rows) {
    int[] out = new int[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = y[rows.get(i)];
    }
    return out;
  }
}
