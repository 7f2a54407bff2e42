package dev.mia.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.http.Readiness.Check;
import dev.mia.server.http.Readiness.Report;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The readiness report, its cache and its deadline, without a server. */
class ReadinessTest {
  private static final Duration CACHE = Duration.ofSeconds(1);
  private static final Duration DEADLINE = Duration.ofMillis(200);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicBoolean shuttingDown = new AtomicBoolean();

  private Readiness readiness(Check... checks) {
    return new Readiness(shuttingDown::get, List.of(checks), CACHE, DEADLINE, now::get);
  }

  /** A check answering what {@code answers} holds, counting how often it is asked. */
  private static final class Answering {
    final AtomicInteger asked = new AtomicInteger();
    volatile CompletionStage<Optional<String>> answer =
        CompletableFuture.completedFuture(Optional.empty());

    Check named(String name) {
      return new Check(
          name,
          () -> {
            asked.incrementAndGet();
            return answer;
          });
    }
  }

  private static Report now(CompletionStage<Report> report) throws Exception {
    return report.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Map<String, String> checks(String... namesAndValues) {
    Map<String, String> checks = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      checks.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return checks;
  }

  @Test
  void everyCheckPassingIsReadyWithShutdownListedFirst() throws Exception {
    Answering store = new Answering();
    Answering redis = new Answering();

    Report report = now(readiness(store.named("store"), redis.named("redis")).report());

    assertTrue(report.ready());
    assertEquals(checks("shutdown", "ok", "store", "ok", "redis", "ok"), report.checks());
    assertEquals(List.of("shutdown", "store", "redis"), List.copyOf(report.checks().keySet()));
  }

  @Test
  void aFailingCheckIsNamedWithItsReason() throws Exception {
    Answering store = new Answering();
    Answering redis = new Answering();
    store.answer = CompletableFuture.completedFuture(Optional.of("the database cannot be reached"));

    Report report = now(readiness(store.named("store"), redis.named("redis")).report());

    assertFalse(report.ready());
    assertEquals(List.of("store"), report.failing());
    assertEquals("the database cannot be reached", report.checks().get("store"));
  }

  @Test
  void shuttingDownFailsAtOnceWhateverTheCacheHolds() throws Exception {
    Answering store = new Answering();
    Readiness readiness = readiness(store.named("store"));
    assertTrue(now(readiness.report()).ready());

    shuttingDown.set(true);
    Report report = now(readiness.report());

    assertEquals(List.of("shutdown"), report.failing());
    assertEquals(1, store.asked.get(), "the cached store answer served both");
  }

  @Test
  void checksRunAtMostOncePerCachePeriod() throws Exception {
    Answering store = new Answering();
    Readiness readiness = readiness(store.named("store"));

    now(readiness.report());
    now.addAndGet(CACHE.toNanos() - 1);
    now(readiness.report());
    assertEquals(1, store.asked.get(), "within the period: the cached answer");

    now.addAndGet(1);
    now(readiness.report());
    assertEquals(2, store.asked.get(), "after it: asked again");
  }

  @Test
  void callersDuringARunShareIt() {
    Answering store = new Answering();
    CompletableFuture<Optional<String>> later = new CompletableFuture<>();
    store.answer = later;
    Readiness readiness = readiness(store.named("store"));

    CompletableFuture<Report> first = readiness.report().toCompletableFuture();
    now.addAndGet(CACHE.toNanos() * 5); // long past the cache: the run is still going
    CompletableFuture<Report> second = readiness.report().toCompletableFuture();

    assertFalse(first.isDone());
    assertEquals(1, store.asked.get());
    later.complete(Optional.empty());
    assertTrue(first.join().ready());
    assertTrue(second.join().ready());
  }

  @Test
  void aCheckSilentPastTheDeadlineFails() throws Exception {
    Answering store = new Answering();
    store.answer = new CompletableFuture<>(); // never answers

    Report report = now(readiness(store.named("store")).report());

    assertEquals(List.of("store"), report.failing());
    assertEquals("no answer within 200 ms", report.checks().get("store"));
  }

  @Test
  void aCheckThatThrowsFailsWithoutItsMessage() throws Exception {
    Check broken =
        new Check(
            "redis",
            () -> {
              throw new IllegalStateException("secret detail");
            });
    Check failed =
        new Check(
            "store", () -> CompletableFuture.failedFuture(new IllegalStateException("secret")));

    Report report = now(readiness(broken, failed).report());

    assertEquals(List.of("redis", "store"), report.failing());
    assertEquals("check failed: IllegalStateException", report.checks().get("redis"));
    assertEquals("check failed: IllegalStateException", report.checks().get("store"));
  }

  @Test
  void lastKnownIsEmptyBeforeTheFirstRunAndThenItsResult() {
    Answering store = new Answering();
    CompletableFuture<Optional<String>> later = new CompletableFuture<>();
    store.answer = later;
    Readiness readiness = readiness(store.named("store"));

    assertEquals(Optional.empty(), readiness.lastKnown(), "starts a run, answers at once");
    later.complete(Optional.of("down"));
    assertEquals(Optional.of(false), readiness.lastKnown());
    assertEquals(1, store.asked.get());
  }

  @Test
  void shutdownIsAReservedName() {
    Answering other = new Answering();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> readiness(other.named("shutdown")));

    assertEquals("the check name shutdown is taken", e.getMessage());
  }

  @Test
  void aReportCannotBeChangedAfterwards() {
    Map<String, String> checks = checks("shutdown", "ok");
    Report report = new Report(checks);
    checks.put("store", "down");

    assertTrue(report.ready());
    assertThrows(UnsupportedOperationException.class, () -> report.checks().put("x", "y"));
  }
}
