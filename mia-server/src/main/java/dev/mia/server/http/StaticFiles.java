package dev.mia.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The files the server hands out, read once from the classpath at start: the test page, its icon
 * and the official Socket.IO browser client, all placed there by the build.
 */
record StaticFiles(byte[] testChatPage, byte[] favicon, Optional<byte[]> socketIoClient) {
  static StaticFiles fromClasspath() {
    return new StaticFiles(
        read("mia-static/test-chat.html")
            .orElse(
                "<!doctype html><title>Mia</title><p>test-chat.html was not packaged."
                    .getBytes(StandardCharsets.UTF_8)),
        read("mia-static/favicon.ico").orElse(new byte[0]),
        read("mia-static/socket.io.min.js"));
  }

  private static Optional<byte[]> read(String resource) {
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
