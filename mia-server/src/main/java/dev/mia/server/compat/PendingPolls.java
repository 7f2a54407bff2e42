package dev.mia.server.compat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends a polling client's pending long-poll when the client closes its Engine.IO session, and holds
 * each POST's answer until its packets are handled ({@link HeldPostReplies}). netty-socketio
 * forgets the session on the close packet but leaves the pending {@code GET} unanswered until it
 * times out, which keeps a Node client's process alive and a browser's request hanging; Node's
 * Engine.IO answers it at once with a noop packet, and so do we.
 */
@ChannelHandler.Sharable
public final class PendingPolls extends ChannelInboundHandlerAdapter {
  private static final byte[] NOOP = "6".getBytes(StandardCharsets.UTF_8);
  private static final char SEPARATOR = '\u001e';

  private final ConcurrentHashMap<String, Channel> pending = new ConcurrentHashMap<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest request) {
      QueryStringDecoder query = new QueryStringDecoder(request.uri());
      String sid = first(query.parameters().get("sid"));
      if (sid != null && "polling".equals(first(query.parameters().get("transport")))) {
        if (request.method().equals(HttpMethod.GET)) {
          Channel channel = ctx.channel();
          pending.put(sid, channel);
          channel.closeFuture().addListener(f -> pending.remove(sid, channel));
        } else if (request.method().equals(HttpMethod.POST)) {
          String body = request.content().toString(StandardCharsets.UTF_8);
          boolean closing = carriesClose(body);
          HeldPostReplies held = HeldPostReplies.hold(ctx.channel());
          try {
            handleOneByOne(ctx, request, body, held);
          } finally {
            held.release(ctx.channel());
          }
          if (closing) {
            answer(pending.remove(sid));
          }
          return;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Hands a POST on one packet at a time. netty-socketio decodes a POST's packets in one loop that
   * stops at the first packet it cannot read, losing every packet after it: a message a client
   * batched behind a malformed one would vanish without an error.
   */
  private static void handleOneByOne(
      ChannelHandlerContext ctx, FullHttpRequest request, String body, HeldPostReplies held) {
    String[] packets = body.split(String.valueOf(SEPARATOR), -1);
    if (packets.length < 2) {
      ctx.fireChannelRead(request);
      return;
    }
    try {
      for (int i = 0; i < packets.length; i++) {
        if (i == 1) {
          held.dropFurtherReplies();
        }
        ctx.fireChannelRead(
            request.replace(Unpooled.copiedBuffer(packets[i], StandardCharsets.UTF_8)));
      }
    } finally {
      request.release();
    }
  }

  /**
   * Keeps the answer to the POST being handled on {@code channel} until {@code handled} completes,
   * for a packet of it whose handling goes on after the I/O thread has returned. Without this the
   * POST would be answered, and its connection closed, before that packet is handled. Nothing
   * happens if the channel is not handling a POST. Call on the channel's I/O thread.
   */
  public static void holdAnswerUntil(Channel channel, CompletionStage<?> handled) {
    HeldPostReplies held = HeldPostReplies.on(channel);
    if (held != null) {
      held.until(handled);
    }
  }

  /** {@return the connection of the session's latest long-poll, while that connection is open} */
  Optional<Channel> pendingGet(String sid) {
    return Optional.ofNullable(pending.get(sid));
  }

  private static boolean carriesClose(String body) {
    for (String packet : body.split(String.valueOf(SEPARATOR), -1)) {
      if (packet.equals("1")) {
        return true;
      }
    }
    return false;
  }

  private static void answer(Channel channel) {
    if (channel == null || !channel.isActive()) {
      return;
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(NOOP));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, NOOP.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
