package dev.mia.server.http;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} serves: the text {@code scrape} gives at each request, to callers who
 * present {@code token} as a bearer token if one is set, else to anyone (metrics carry counts and
 * timings, never message text).
 */
public record MetricsRoute(Supplier<String> scrape, Optional<String> token) {
  /** Checks both parts are present. */
  public MetricsRoute {
    Objects.requireNonNull(scrape, "scrape == null");
    Objects.requireNonNull(token, "token == null");
  }
}
