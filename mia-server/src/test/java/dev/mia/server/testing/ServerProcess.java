package dev.mia.server.testing;

import dev.mia.server.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server as an operator runs it: {@link Main} in its own JVM, configured only by the
 * environment, with everything it prints captured in a file. Close it to stop it (SIGTERM, then a
 * kill if it lingers) and delete the file.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Path output;
  private final String url;

  private ServerProcess(Process process, Path output, String url) {
    this.process = process;
    this.output = output;
    this.url = url;
  }

  /**
   * {@return a started server on a free loopback port, answering {@code /health}} {@code env} is
   * the whole environment besides {@code PORT}, {@code HOST} and {@code PATH}.
   */
  public static ServerProcess start(Map<String, String> env) {
    Path output = null;
    Process process = null;
    try {
      output = Files.createTempFile("mia-server", ".log");
      int port = freePort();
      Map<String, String> all = new HashMap<>(env);
      all.put("PORT", Integer.toString(port));
      all.put("HOST", "127.0.0.1");
      process = launch(all, output);
      ServerProcess server = new ServerProcess(process, output, "http://127.0.0.1:" + port);
      Health.await(
          server.url, "server", server.process::isAlive, server::output, Duration.ofSeconds(30));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      if (process != null) {
        process.destroyForcibly();
      }
      throw e;
    }
  }

  /**
   * {@return {@link Main} started in its own JVM with exactly {@code env} (plus {@code PATH}),
   * everything it prints going to {@code output}; nothing is awaited}
   */
  public static Process launch(Map<String, String> env, Path output) throws IOException {
    Map<String, String> all = new HashMap<>(env);
    all.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin"));
    // The embedded store's file goes under target/, not into the working copy.
    all.computeIfAbsent("MIA_DATA_DIR", k -> newDataDir().toString());
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().clear();
    builder.environment().putAll(all);
    return builder.start();
  }

  /** {@return a new, empty folder for a server's data under {@code target/}} */
  public static Path newDataDir() {
    try {
      Path parent = Files.createDirectories(Path.of("target", "server-data"));
      return Files.createTempDirectory(parent, "data-").toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the server with SIGKILL, as a crash would, and waits for it to be gone. */
  public void kill() {
    try {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends SIGTERM and returns at once. */
  public void terminate() {
    process.destroy();
  }

  /** {@return the exit status, after {@link #stop()}} */
  public int exitValue() {
    return process.exitValue();
  }

  /** {@return the base URL} */
  public String url() {
    return url;
  }

  /** Stops the server with SIGTERM and waits for it to exit; {@return everything it printed} */
  public String stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return output();
  }

  /** {@return everything the server printed so far} */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      Files.deleteIfExists(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
