package dev.mia.core.model.openai;

import java.time.Duration;
import java.util.Objects;

/** Checks shared by the model clients' builders, with the messages their tests pin. */
final class Settings {
  private Settings() {}

  static String nonBlank(String value, String name) {
    Objects.requireNonNull(value, name + " == null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " is blank");
    }
    return value;
  }

  static double temperature(double temperature) {
    if (!(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("temperature must be from 0 to 2, was " + temperature);
    }
    return temperature;
  }

  static int retries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
    }
    return maxRetries;
  }

  static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name + " == null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }
}
