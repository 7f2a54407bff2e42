package dev.mia.server.socketio;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WebSocket channel of each Engine.IO session, learned from the packets it carries, so that a
 * reply can write its events to that channel directly (see {@link SessionRoom}); netty-socketio
 * keeps a client's channels to itself. Sits first in the pipeline, at the socket end, and hands out
 * its own context there: a frame written through it goes straight to the socket. An entry goes when
 * its channel closes.
 */
@ChannelHandler.Sharable
final class WebSocketChannels extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<UUID> KNOWN = AttributeKey.valueOf("mia.websocket-session");

  private final ConcurrentHashMap<UUID, ChannelHandlerContext> bySession =
      new ConcurrentHashMap<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PacketsMessage packets && packets.getTransport() == Transport.WEBSOCKET) {
      Channel channel = ctx.channel();
      UUID session = packets.getClient().getSessionId();
      if (channel.attr(KNOWN).setIfAbsent(session) == null) {
        bySession.put(session, ctx);
        channel.closeFuture().addListener(f -> bySession.remove(session, ctx));
      }
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * {@return where to write ready WebSocket frames for the Engine.IO session {@code session}, if it
   * has an open WebSocket channel}
   */
  Optional<ChannelHandlerContext> of(UUID session) {
    ChannelHandlerContext ctx = bySession.get(session);
    return ctx != null && ctx.channel().isActive() ? Optional.of(ctx) : Optional.empty();
  }
}
