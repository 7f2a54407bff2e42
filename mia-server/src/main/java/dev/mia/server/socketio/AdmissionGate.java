package dev.mia.server.socketio;

import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mia.server.compat.PendingPolls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Holds a connection's Socket.IO CONNECT packet until the server has decided whether to admit it,
 * so that the decision may wait for something (a connection cap shared through Redis) without
 * blocking the I/O thread. netty-socketio asks its auth listeners synchronously while it handles
 * the packet; held here, the packet reaches them with the decision made. Packets that arrive on the
 * same channel while one is held wait behind it, in order. Sits before the library's packet
 * handler, behind the fix that gives every CONNECT an {@code auth} object.
 *
 * <p>A polling client's POST is answered while its CONNECT is held: a client that sent events on a
 * second POST before its CONNECT was acknowledged would have them handled first, and refused as
 * from a connection not yet admitted. Socket.IO clients buffer their events until the
 * acknowledgement, so none does.
 */
@ChannelHandler.Sharable
final class AdmissionGate extends ChannelInboundHandlerAdapter {
  /** Decides whether a connection is admitted. */
  @FunctionalInterface
  interface Admission {
    /**
     * Decides about {@code client}, whose CONNECT packet carried {@code authToken} (or none).
     * {@return a stage completing once decided; complete at once when there is nothing to wait for}
     */
    CompletionStage<?> decide(ClientHead client, Optional<String> authToken);
  }

  private static final AttributeKey<ArrayDeque<Object>> HELD = AttributeKey.valueOf("mia.held");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte RECORD_SEPARATOR = 0x1e;

  private final Admission admission;

  AdmissionGate(Admission admission) {
    this.admission = admission;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ArrayDeque<Object> held = ctx.channel().attr(HELD).get();
    if (held != null) {
      held.add(owned(msg));
      return;
    }
    if (!(msg instanceof PacketsMessage packets) || !isConnect(packets.getContent())) {
      ctx.fireChannelRead(msg);
      return;
    }
    CompletableFuture<?> decided =
        admission
            .decide(packets.getClient(), authToken(packets.getContent()))
            .toCompletableFuture();
    if (decided.isDone()) {
      ctx.fireChannelRead(msg);
      return;
    }
    ArrayDeque<Object> queue = new ArrayDeque<>();
    queue.add(owned(msg));
    ctx.channel().attr(HELD).set(queue);
    CompletableFuture<Void> handed = new CompletableFuture<>();
    PendingPolls.holdAnswerUntil(ctx.channel(), handed);
    decided.whenComplete(
        (done, failed) ->
            ctx.executor()
                .execute(
                    () -> {
                      try {
                        release(ctx);
                      } finally {
                        handed.complete(null);
                      }
                    }));
  }

  /** Hands on what was held, in order, on the channel's I/O thread. */
  private static void release(ChannelHandlerContext ctx) {
    ArrayDeque<Object> queue = ctx.channel().attr(HELD).getAndSet(null);
    if (queue == null) {
      return;
    }
    for (Object msg : queue) {
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * {@return {@code msg} with a content of its own} The transport that read a packet frees its
   * content when the read returns, so a packet kept for later needs a copy.
   */
  private static Object owned(Object msg) {
    if (msg instanceof PacketsMessage packets) {
      return new PacketsMessage(
          packets.getClient(),
          Unpooled.wrappedBuffer(ByteBufUtil.getBytes(packets.getContent())),
          packets.getTransport());
    }
    return msg;
  }

  /** {@return whether the content starts with a CONNECT packet to the default namespace} */
  private static boolean isConnect(ByteBuf content) {
    int at = content.readerIndex();
    if (content.readableBytes() < 2
        || content.getByte(at) != '4'
        || content.getByte(at + 1) != '0') {
      return false;
    }
    return content.readableBytes() == 2 || content.getByte(at + 2) == '{';
  }

  /** {@return the {@code token} of the CONNECT packet's {@code auth} object, if it has one} */
  private static Optional<String> authToken(ByteBuf content) {
    int start = content.readerIndex() + 2;
    int end = content.indexOf(start, content.writerIndex(), RECORD_SEPARATOR);
    int length = (end < 0 ? content.writerIndex() : end) - start;
    if (length <= 0) {
      return Optional.empty();
    }
    try {
      JsonNode auth = JSON.readTree(new ByteBufInputStream(content.slice(start, length)));
      JsonNode token = auth == null ? null : auth.get("token");
      return token != null && token.isTextual() ? Optional.of(token.asText()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // the library refuses the packet itself
    }
  }
}
