package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Engine.IO 4 polling requests as netty-socketio's pipeline hands them on (aggregated), and the
 * responses that handlers write, for the handler tests of this package.
 */
final class Http {
  /** A polling request's path and query, without its session id. */
  static final String POLLING = "/socket.io/?EIO=4&transport=polling";

  private Http() {}

  /** {@return a long-poll of session {@code sid}} */
  static FullHttpRequest get(String sid) {
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.GET, POLLING + "&sid=" + sid, Unpooled.buffer(0));
  }

  /** {@return a POST of {@code body} (Engine.IO packets) to session {@code sid}} */
  static FullHttpRequest post(String sid, String body) {
    return postTo(POLLING + "&sid=" + sid, body);
  }

  /** {@return a POST of {@code body} to {@code uri}} */
  static FullHttpRequest postTo(String uri, String body) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, Buffers.utf8(body));
    request
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
    return request;
  }

  /** A response as it left a channel: its head, and its body's bytes read as UTF-8. */
  record Response(HttpResponseStatus status, HttpHeaders headers, String body) {}

  /**
   * Reads the next response {@code channel} wrote, as one {@link FullHttpResponse} or as a head
   * followed by contents up to the last one (as netty-socketio writes its responses), and releases
   * what it read.
   */
  static Response readResponse(EmbeddedChannel channel) {
    Object first = channel.readOutbound();
    assertNotNull(first, "a response was written");
    if (first instanceof FullHttpResponse full) {
      try {
        return new Response(full.status(), full.headers(), Buffers.text(full.content()));
      } finally {
        full.release();
      }
    }
    HttpResponse head = assertInstanceOf(HttpResponse.class, first);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      HttpContent content = assertInstanceOf(HttpContent.class, channel.readOutbound());
      try {
        body.writeBytes(ByteBufUtil.getBytes(content.content()));
      } finally {
        content.release();
      }
      if (content instanceof LastHttpContent) {
        return new Response(head.status(), head.headers(), body.toString(StandardCharsets.UTF_8));
      }
    }
  }

  /** {@return the content of {@code request}, read as UTF-8} */
  static String body(FullHttpRequest request) {
    return Buffers.text(request.content());
  }
}
