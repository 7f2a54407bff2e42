package dev.mia.server;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Starts the Mia server from the environment. A bad setting prints one line naming the variable and
 * exits with status 2; SIGTERM or SIGINT stops the server gracefully and exits with status 0.
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
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("starting with {}", config);
    MiaServer server;
    try {
      server = new MiaServer(config);
      server.start();
    } catch (RuntimeException e) {
      log.error("mia-server could not start: {}", e.getMessage());
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

  /**
   * Sets slf4j-simple's levels before the first logger exists. The Socket.IO and Netty libraries
   * stay at WARN whatever LOG_LEVEL says, because at DEBUG and TRACE they log handshake headers
   * (tokens) and raw payloads (message text); their packet handler and JSON reader, which print the
   * raw payload of a packet they cannot read at ERROR, are silenced and reported by our own
   * exception listener.
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
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    String library = "off".equals(slf4j) || "error".equals(slf4j) ? slf4j : "warn";
    setIfAbsent("org.slf4j.simpleLogger.log.com.corundumstudio", library);
    setIfAbsent("org.slf4j.simpleLogger.log.io.netty", library);
    setIfAbsent(
        "org.slf4j.simpleLogger.log.com.corundumstudio.socketio.handler.InPacketHandler", "off");
    setIfAbsent("org.slf4j.simpleLogger.log.com.corundumstudio.socketio.JsonSupportWrapper", "off");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
