package dev.mia.server.config;

/**
 * The whole numbers a setting accepts, named by its environment variable: one definition for the
 * reader, which refuses what is not a number, and for {@link ServerConfig}, which refuses what is
 * out of range, so both say the same.
 */
record WholeNumber(String variable, long min, long max) {

  /** {@return {@code value}, if in range} */
  long check(long value) {
    if (value < min || value > max) {
      throw refusal(Long.toString(value));
    }
    return value;
  }

  /** {@return the refusal of {@code raw}, the text given for the variable} */
  ConfigException refusal(String raw) {
    return new ConfigException(
        variable + " must be a whole number from " + min + " to " + max + "; was '" + raw + "'");
  }
}
