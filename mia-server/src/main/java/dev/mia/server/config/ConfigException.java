package dev.mia.server.config;

/** A configuration value is missing or malformed; the message names the variable and the form. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message);
  }
}
