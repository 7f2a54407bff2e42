package dev.mia.eval;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A metric as a count of hits out of a total, e.g. 13 of 60.
 *
 * @param hits how many counted
 * @param total out of how many; 0 when the metric does not apply
 */
public record Ratio(int hits, int total) {
  /** Checks {@code 0 <= hits <= total}. */
  public Ratio {
    if (hits < 0 || total < 0 || hits > total) {
      throw new IllegalArgumentException("need 0 <= hits <= total, got " + hits + "/" + total);
    }
  }

  /** {@return the share, or empty when the total is 0} */
  public OptionalDouble value() {
    return total == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) hits / total);
  }

  /** {@return e.g. {@code "13/60 21.7%"}, or {@code "0/0 n/a"}} */
  @Override
  public String toString() {
    String share = total == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * hits / total);
    return hits + "/" + total + " " + share;
  }
}
