package dev.mia.server.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a server started in another process to answer {@code /health}. */
public final class Health {
  private Health() {}

  /**
   * Asks {@code url/health} until it answers 200, at most for {@code within}.
   *
   * @param what the thing started, for the failure message ("server", "the container")
   * @param alive whether the process still runs; a process that ended fails at once
   * @param output what the process printed, for the failure message
   * @throws AssertionError if the process ends or no answer comes in time
   */
  public static void await(
      String url, String what, BooleanSupplier alive, Supplier<String> output, Duration within) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create(url + "/health")).build();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!alive.getAsBoolean()) {
        throw new AssertionError(what + " exited: " + output.get());
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      try {
        Thread.sleep(50); // polling a process we cannot be told about
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("no /health within " + within.toSeconds() + " s: " + output.get());
  }
}
