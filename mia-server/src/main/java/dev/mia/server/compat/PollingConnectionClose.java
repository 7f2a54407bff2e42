package dev.mia.server.compat;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Makes netty-socketio's polling responses say what they do. The library marks every polling
 * response {@code Connection: keep-alive} and then closes the connection, so an HTTP client that
 * believes the header reuses a closed connection and its next request fails. Sits behind the
 * library's encoder, so only responses the library writes pass through it (the REST routes write
 * theirs further down the pipeline and keep their connections open); WebSocket upgrades are left as
 * they are.
 */
@ChannelHandler.Sharable
public final class PollingConnectionClose extends ChannelOutboundHandlerAdapter {
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpResponse response
        && !HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())
        && response
            .headers()
            .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE, true)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    HeldPostReplies held = HeldPostReplies.on(ctx.channel());
    if (held != null) {
      held.write(ctx, msg, promise);
      return;
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) throws Exception {
    HeldPostReplies held = HeldPostReplies.on(ctx.channel());
    if (held != null) {
      held.flush(ctx);
      return;
    }
    super.flush(ctx);
  }
}
