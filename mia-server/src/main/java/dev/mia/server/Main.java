package dev.mia.server;

import dev.mia.server.config.ConfigException;
import dev.mia.server.config.ServerConfig;
import dev.mia.server.socketio.PortUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Starts the Mia server from the environment. A bad setting, or a port that cannot be bound, prints
 * one line saying what to change and exits with status 2; SIGTERM or SIGINT stops the server
 * gracefully and exits with status 0.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    ServerConfig config;
    try {
      config = ServerConfig.fromEnvironment(env);
    } catch (ConfigException e) {
      System.err.println("mia-server: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    configureLogging(config.logLevel());
    // Before the slow parts of the start (the store, the model): a taken port is told at once.
    Optional<String> portProblem = portProblem(config);
    if (portProblem.isPresent()) {
      System.err.println(cannotListen(config, portProblem.get()));
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("starting with {}", config);
    MiaServer server;
    try {
      server = new MiaServer(config);
      server.start();
    } catch (ConfigException e) {
      System.err.println("mia-server: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (PortUnavailableException e) {
      System.err.println(cannotListen(config, e.getMessage()));
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      // One line: the exception's own message says what failed (no stack trace, no secrets).
      System.err.println("mia-server: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopping: letting replies in flight finish for up to {}", config.shutdownGrace());
    server.stop();
    log.info("stopped");
    System.exit(0);
  }

  private static String cannotListen(ServerConfig config, String why) {
    return "mia-server: cannot listen on "
        + config.host()
        + ":"
        + config.port()
        + " ("
        + why
        + "): stop what holds the port or set PORT to a free one";
  }

  /** {@return why the configured port cannot be bound now, if it cannot} */
  private static Optional<String> portProblem(ServerConfig config) {
    if (config.port() == 0) {
      return Optional.empty();
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(config.host(), config.port()));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Sets slf4j-simple's default level from {@code LOG_LEVEL} before the first logger exists; the
   * rest of the logging setup, which keeps the Socket.IO, Netty and Redis libraries at WARN because
   * they log tokens and message text at DEBUG and TRACE, is in {@code simplelogger.properties}. A
   * quieter {@code LOG_LEVEL} quiets the libraries too.
   */
  static void configureLogging(String level) {
    String slf4j =
        switch (level.toLowerCase(Locale.ROOT)) {
          case "silent" -> "off";
          case "error" -> "error";
          case "warn" -> "warn";
          case "info" -> "info";
          case "silly", "trace" -> "trace";
          default -> "debug";
        };
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", slf4j);
    if ("off".equals(slf4j) || "error".equals(slf4j)) {
      setIfAbsent("org.slf4j.simpleLogger.log.com.corundumstudio", slf4j);
      setIfAbsent("org.slf4j.simpleLogger.log.io.netty", slf4j);
      setIfAbsent("org.slf4j.simpleLogger.log.org.redisson", slf4j);
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
