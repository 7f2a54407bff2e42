package dev.mia.server.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this server should be sent work, for {@code GET /ready}: it is not shutting down, and
 * every {@link Check} (the session store, Redis) passes. The checks run at most once per {@code
 * cacheFor}, all at once, each given {@code deadline} to answer; callers in between share the last
 * result, and callers during a run share that run. Shutting down is read at every call. Never
 * blocks: {@link #report()} returns a stage, completed at once when a fresh result is at hand.
 * Changes of the result are logged (check names and reasons only). Thread-safe.
 */
public final class Readiness {
  private static final Logger log = LoggerFactory.getLogger(Readiness.class);

  /** The name of the check that fails while the server shuts down. */
  public static final String SHUTDOWN = "shutdown";

  /** What a passing check reports. */
  public static final String OK = "ok";

  /**
   * One thing the server needs in order to work.
   *
   * @param name how {@code /ready} names it
   * @param problem asked for what is wrong now: an empty answer if nothing is; must not block
   */
  public record Check(String name, Supplier<CompletionStage<Optional<String>>> problem) {
    /** Checks both parts are present. */
    public Check {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(problem, "problem == null");
    }
  }

  /**
   * What {@code /ready} says.
   *
   * @param checks each check's name and {@value #OK} or what is wrong, {@value #SHUTDOWN} first
   */
  public record Report(Map<String, String> checks) {
    /** Copies the checks, keeping their order. */
    public Report {
      checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /** {@return whether every check passed} */
    public boolean ready() {
      return failing().isEmpty();
    }

    /** {@return the names of the checks that failed, in order} */
    public List<String> failing() {
      return Readiness.failing(checks);
    }
  }

  /** One run of the checks: its results to come and when it started. */
  private record Run(CompletableFuture<Map<String, String>> results, long startedNanos) {}

  private final BooleanSupplier shuttingDown;
  private final List<Check> checks;
  private final Duration cacheFor;
  private final Duration deadline;
  private final LongSupplier nanoTime;
  private final AtomicReference<Run> last = new AtomicReference<>();
  // Written by one run at a time, as it completes.
  private volatile Map<String, String> lastResults;

  /**
   * Readiness of a server that is shutting down once {@code shuttingDown} says so, and needs every
   * one of {@code checks}; results are reused for {@code cacheFor}, and a check silent for {@code
   * deadline} fails.
   */
  public Readiness(
      BooleanSupplier shuttingDown, List<Check> checks, Duration cacheFor, Duration deadline) {
    this(shuttingDown, checks, cacheFor, deadline, System::nanoTime);
  }

  Readiness(
      BooleanSupplier shuttingDown,
      List<Check> checks,
      Duration cacheFor,
      Duration deadline,
      LongSupplier nanoTime) {
    this.shuttingDown = Objects.requireNonNull(shuttingDown, "shuttingDown == null");
    this.checks = List.copyOf(checks);
    this.cacheFor = Objects.requireNonNull(cacheFor, "cacheFor == null");
    this.deadline = Objects.requireNonNull(deadline, "deadline == null");
    this.nanoTime = nanoTime;
    for (Check check : this.checks) {
      if (check.name().equals(SHUTDOWN)) {
        throw new IllegalArgumentException("the check name " + SHUTDOWN + " is taken");
      }
    }
  }

  /** {@return the report: at once if a result younger than {@code cacheFor} is at hand} */
  public CompletionStage<Report> report() {
    return results().thenApply(this::withShutdown);
  }

  /**
   * {@return whether the last completed run found the server ready, or empty before the first}
   * Starts a new run if the last is stale, without waiting for it: for a metrics gauge.
   */
  public Optional<Boolean> lastKnown() {
    results();
    return Optional.ofNullable(lastResults).map(r -> withShutdown(r).ready());
  }

  private Report withShutdown(Map<String, String> results) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(SHUTDOWN, shuttingDown.getAsBoolean() ? "draining: replies in flight may finish" : OK);
    all.putAll(results);
    return new Report(all);
  }

  private CompletableFuture<Map<String, String>> results() {
    while (true) {
      Run run = last.get();
      long now = nanoTime.getAsLong();
      if (run != null
          && (!run.results().isDone() || now - run.startedNanos() < cacheFor.toNanos())) {
        return run.results();
      }
      Run next = new Run(new CompletableFuture<>(), now);
      if (last.compareAndSet(run, next)) {
        start(next);
        return next.results();
      }
    }
  }

  private void start(Run run) {
    List<CompletableFuture<Optional<String>>> answers = new ArrayList<>(checks.size());
    for (Check check : checks) {
      answers.add(ask(check));
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenRun(
            () -> {
              Map<String, String> results = new LinkedHashMap<>();
              for (int i = 0; i < checks.size(); i++) {
                results.put(checks.get(i).name(), answers.get(i).join().orElse(OK));
              }
              logChange(results);
              lastResults = results;
              run.results().complete(results);
            });
  }

  private CompletableFuture<Optional<String>> ask(Check check) {
    CompletableFuture<Optional<String>> answer;
    try {
      answer = check.problem().get().toCompletableFuture().copy();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .completeOnTimeout(
            Optional.of("no answer within " + deadline.toMillis() + " ms"),
            deadline.toMillis(),
            TimeUnit.MILLISECONDS)
        .exceptionally(failure -> Optional.of("check failed: " + rootName(failure)));
  }

  private static String rootName(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }

  /** Logs when the set of failing checks changes; a reason that changes alone is not news. */
  private void logChange(Map<String, String> results) {
    Map<String, String> before = lastResults;
    if (failing(results).equals(before == null ? List.of() : failing(before))) {
      return;
    }
    if (failing(results).isEmpty()) {
      log.info("ready: every check passes again");
    } else {
      log.warn(
          "not ready: {}",
          results.entrySet().stream()
              .filter(e -> !e.getValue().equals(OK))
              .map(e -> e.getKey() + " (" + e.getValue() + ")")
              .collect(Collectors.joining(", ")));
    }
  }

  private static List<String> failing(Map<String, String> results) {
    return results.entrySet().stream()
        .filter(e -> !e.getValue().equals(OK))
        .map(Map.Entry::getKey)
        .toList();
  }
}
