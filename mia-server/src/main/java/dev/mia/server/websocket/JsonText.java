package dev.mia.server.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** JSON messages on a plain WebSocket: one object per text message, each with its ISO time. */
final class JsonText {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;

  JsonText(Clock clock) {
    this.clock = clock;
  }

  /** {@return a new message of {@code type} stamped with the current time} */
  ObjectNode message(String type) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", type);
    node.put("timestamp", now());
    return node;
  }

  /** {@return a new empty object} */
  ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** {@return the current time as ISO-8601, e.g. {@code 2026-01-01T10:00:00.123Z}} */
  String now() {
    return Instant.now(clock).toString();
  }

  /** {@return the time {@code millis} (epoch) as ISO-8601} */
  static String at(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /** Writes {@code message} to {@code channel} as one text message; from any thread. */
  static ChannelFuture send(Channel channel, JsonNode message) {
    try {
      return channel.writeAndFlush(new TextWebSocketFrame(JSON.writeValueAsString(message)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON message", e);
    }
  }

  /** {@return the JSON object in {@code text}, or empty if it is not one} */
  static Optional<JsonNode> parse(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
