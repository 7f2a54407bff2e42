package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {
  /** Three tight clusters around (0, 4), (4, 0) and (-4, -4): separable by lines. */
  private static double[][] points(int n, long seed, int[] labels) {
    Random random = new Random(seed);
    double[][] centres = {{0, 4}, {4, 0}, {-4, -4}};
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      x[i] =
          new double[] {
            centres[labels[i]][0] + 0.5 * random.nextGaussian(),
            centres[labels[i]][1] + 0.5 * random.nextGaussian()
          };
    }
    return x;
  }

  private static double[] ones(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1);
    return w;
  }

  @Test
  void separatesLinearlySeparableData() {
    int[] y = new int[300];
    double[][] x = points(300, 1, y);
    LogisticRegression model =
        LogisticRegression.fit(x, y, ones(300), 3, LogisticRegression.Options.DEFAULT);
    for (int i = 0; i < x.length; i++) {
      double[] p = model.probabilities(x[i]);
      int best = 0;
      for (int k = 1; k < 3; k++) {
        best = p[k] > p[best] ? k : best;
      }
      assertEquals(y[i], best, "point " + i);
    }
  }

  @Test
  void fittingTwiceGivesIdenticalWeights() {
    int[] y = new int[200];
    double[][] x = points(200, 2, y);
    double[][] first =
        LogisticRegression.fit(x, y, ones(200), 3, LogisticRegression.Options.DEFAULT).weights();
    double[][] second =
        LogisticRegression.fit(x, y, ones(200), 3, LogisticRegression.Options.DEFAULT).weights();
    for (int k = 0; k < 3; k++) {
      assertArrayEquals(first[k], second[k], 0.0);
    }
  }

  @Test
  void probabilitiesSumToOne() {
    int[] y = new int[90];
    double[][] x = points(90, 3, y);
    LogisticRegression model =
        LogisticRegression.fit(x, y, ones(90), 3, LogisticRegression.Options.DEFAULT);
    double[] p = model.probabilities(new double[] {100, -100});
    assertEquals(1.0, p[0] + p[1] + p[2], 1e-12);
  }

  @Test
  void aHeavierExampleWeightPullsTheFitTowardsItsClass() {
    double[][] x = {{0}, {0}};
    int[] y = {0, 1};
    LogisticRegression even =
        LogisticRegression.fit(x, y, new double[] {1, 1}, 2, LogisticRegression.Options.DEFAULT);
    LogisticRegression leaning =
        LogisticRegression.fit(x, y, new double[] {1, 3}, 2, LogisticRegression.Options.DEFAULT);
    assertEquals(0.5, even.probabilities(new double[] {0})[1], 1e-6);
    assertEquals(0.75, leaning.probabilities(new double[] {0})[1], 1e-6);
  }

  @Test
  void aLabelOutsideTheClassesIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LogisticRegression.fit(
                    new double[][] {{1}},
                    new int[] {3},
                    new double[] {1},
                    3,
                    LogisticRegression.Options.DEFAULT));
    assertEquals("label 3 outside 0..2", e.getMessage());
  }

  @Test
  void theWrongNumberOfFeaturesIsRejected() {
    LogisticRegression model = new LogisticRegression(new double[][] {{1, 0}, {0, 0}});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> model.probabilities(new double[2]));
    assertTrue(e.getMessage().contains("expected 1 features, got 2"), e.getMessage());
  }
}
