package dev.mia.server.compat;

import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * Gives a CONNECT packet without an {@code auth} object an empty one. netty-socketio runs its
 * auth-token listeners only for a CONNECT that carries {@code auth}, and acknowledges a bare one
 * before any connect listener can refuse it: a client refused for lack of a token (required auth,
 * or its connection cap) then saw {@code connect} followed by {@code connect_error}. With an empty
 * {@code auth} every connection is decided before the acknowledgement, and a refusal is a plain
 * {@code connect_error}, as from Node's Socket.IO.
 */
@ChannelHandler.Sharable
public final class ConnectPacketAuth extends ChannelInboundHandlerAdapter {
  private static final byte[] BARE_CONNECT = "40".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONNECT_WITH_AUTH = "40{}".getBytes(StandardCharsets.US_ASCII);

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PacketsMessage packets && isBareConnect(packets.getContent())) {
      // The original content stays owned (and released) by the transport that read it.
      ctx.fireChannelRead(
          new PacketsMessage(
              packets.getClient(),
              Unpooled.wrappedBuffer(CONNECT_WITH_AUTH),
              packets.getTransport()));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean isBareConnect(ByteBuf content) {
    if (content.readableBytes() != BARE_CONNECT.length) {
      return false;
    }
    int at = content.readerIndex();
    return content.getByte(at) == BARE_CONNECT[0] && content.getByte(at + 1) == BARE_CONNECT[1];
  }
}
