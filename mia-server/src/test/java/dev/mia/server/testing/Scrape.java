package dev.mia.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus scrape of {@code /metrics}. */
public final class Scrape {
  private Scrape() {}

  /**
   * {@return the value of the first sample named {@code sample}, labels included (as in {@code
   * mia_connections{transport="ws"}}), or fails the test if the scrape has none}
   */
  public static double value(String scrape, String sample) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([-+0-9.eE]+|NaN)$").matcher(scrape);
    assertTrue(m.find(), "no " + sample + " in:\n" + scrape);
    return Double.parseDouble(m.group(1));
  }
}
