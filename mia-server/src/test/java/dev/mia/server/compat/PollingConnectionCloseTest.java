package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PollingConnectionClose}: a response the library marks keep-alive (and then closes) says
 * {@code Connection: close}; a WebSocket upgrade and a response without the header pass as they
 * are.
 */
class PollingConnectionCloseTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(new PollingConnectionClose());

  @Test
  void aKeepAliveResponseLeavesWithConnectionClose() {
    HttpResponse response = response(HttpResponseStatus.OK);
    response.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");

    channel.writeOutbound(response);

    HttpResponse written = channel.readOutbound();
    assertSame(response, written);
    assertEquals(List.of("close"), written.headers().getAll(HttpHeaderNames.CONNECTION));
    assertFalse(channel.finish());
  }

  @Test
  void aKeepAliveInAnyCaseLeavesAsConnectionClose() {
    HttpResponse response = response(HttpResponseStatus.OK);
    response.headers().set(HttpHeaderNames.CONNECTION, "Keep-Alive");

    channel.writeOutbound(response);

    HttpResponse written = channel.readOutbound();
    assertEquals(List.of("close"), written.headers().getAll(HttpHeaderNames.CONNECTION));
    assertFalse(channel.finish());
  }

  @Test
  void aKeepAliveErrorResponseAlsoLeavesWithConnectionClose() {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Buffers.utf8("{\"code\":1}"));
    response.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");

    channel.writeOutbound(response);

    FullHttpResponse written = channel.readOutbound();
    try {
      assertEquals(List.of("close"), written.headers().getAll(HttpHeaderNames.CONNECTION));
      assertEquals("{\"code\":1}", Buffers.text(written.content()));
    } finally {
      written.release();
    }
    assertFalse(channel.finish());
  }

  @Test
  void aSwitchingProtocolsResponseIsLeftAsItIs() {
    HttpResponse response = response(HttpResponseStatus.SWITCHING_PROTOCOLS);
    // A value the keep-alive check matches (it reads comma-separated values), on an upgrade.
    response
        .headers()
        .set(HttpHeaderNames.UPGRADE, "websocket")
        .set(HttpHeaderNames.CONNECTION, "keep-alive, Upgrade")
        .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    List<String> before = lines(response.headers());

    channel.writeOutbound(response);

    HttpResponse written = channel.readOutbound();
    assertSame(response, written);
    assertEquals(before, lines(written.headers()));
    assertFalse(channel.finish());
  }

  @Test
  void aResponseWithoutTheHeaderIsUnchanged() {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Buffers.utf8("{\"status\":\"ok\"}"));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .set(HttpHeaderNames.CONTENT_LENGTH, 15);
    List<String> before = lines(response.headers());

    channel.writeOutbound(response);

    FullHttpResponse written = channel.readOutbound();
    try {
      assertSame(response, written);
      assertEquals(before, lines(written.headers()));
      assertFalse(written.headers().contains(HttpHeaderNames.CONNECTION));
      assertEquals("{\"status\":\"ok\"}", Buffers.text(written.content()));
    } finally {
      written.release();
    }
    assertFalse(channel.finish());
  }

  @Test
  void aBodyPartPassesUntouched() {
    ByteBuf body = Buffers.utf8("6");
    HttpContent content = new DefaultHttpContent(body);

    channel.writeOutbound(content);

    HttpContent written = channel.readOutbound();
    try {
      assertSame(content, written);
      assertEquals("6", Buffers.text(written.content()));
    } finally {
      written.release();
    }
    assertFalse(channel.finish());
  }

  /** {@return each header as {@code name: value}, in order} */
  private static List<String> lines(HttpHeaders headers) {
    return headers.entries().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
  }

  private static HttpResponse response(HttpResponseStatus status) {
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
  }
}
