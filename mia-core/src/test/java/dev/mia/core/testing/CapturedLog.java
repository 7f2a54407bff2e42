package dev.mia.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What slf4j-simple writes while a test provokes a failure on purpose: the lines are kept for the
 * test to assert on, instead of reaching the build's output, where an expected ERROR line looks
 * like a broken build. slf4j-simple looks up {@code System.err} at each line, so swapping it
 * catches every logger. Close it to put {@code System.err} back.
 */
public final class CapturedLog implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

  private CapturedLog() {
    System.setErr(new PrintStream(lines, true, StandardCharsets.UTF_8));
  }

  /** {@return a capture that has begun} */
  public static CapturedLog start() {
    return new CapturedLog();
  }

  /** {@return everything logged since the capture began} */
  public String text() {
    return lines.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
