package dev.mia.server.compat;

import com.corundumstudio.socketio.handler.ClientHead;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.util.List;
import java.util.UUID;

/**
 * Keeps a polling client's next long-poll bound when the connection of its previous one closes.
 * netty-socketio binds a long-poll to its session on the poll's I/O thread, and unbinds a closed
 * connection on that connection's own thread with an unlocked "is it still the session's poll? then
 * forget the session's poll". A client polls again as soon as an answer arrives, so the two often
 * run at once on the two I/O threads; when the new poll's binding lands between that check and that
 * forgetting, the session is left with no poll while the client waits on one. Every reply then
 * queues unsent until the next ping, 25 s later: a join's {@code session_created} or an
 * acknowledgement that never comes in time. This handler, in front of the library's polling
 * transport, makes the binding of a poll and the unbinding of the same session's closed poll take
 * turns. A turn is the library's handling of one {@code GET} or of one connection's close, our
 * connect listener included; nothing in it blocks, so an I/O thread waits at most that long, and
 * only for a session whose lock stripe it shares.
 */
@ChannelHandler.Sharable
public final class PollHandOver extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<UUID> POLLED = AttributeKey.valueOf("mia.polledSession");
  private static final int STRIPES = 64;

  private final Object[] turns = new Object[STRIPES];

  /** A hand-over with its own locks: one per pipeline factory, shared by all its connections. */
  public PollHandOver() {
    for (int i = 0; i < STRIPES; i++) {
      turns[i] = new Object();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UUID session = msg instanceof FullHttpRequest request ? polledSession(ctx, request) : null;
    if (session == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    ctx.channel().attr(POLLED).set(session);
    synchronized (turnOf(session)) {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UUID session = ctx.channel().attr(POLLED).get();
    if (session == null) {
      ctx.fireChannelInactive();
      return;
    }
    synchronized (turnOf(session)) {
      ctx.fireChannelInactive();
    }
  }

  private Object turnOf(UUID session) {
    return turns[Math.floorMod(session.hashCode(), STRIPES)];
  }

  /**
   * {@return the session a polling GET long-polls for: its {@code sid}, or for the handshake's own
   * GET, the session the library has just made for it; null for any other request}
   */
  private static UUID polledSession(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!HttpMethod.GET.equals(request.method())) {
      return null;
    }
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    if (!"polling".equals(first(query.parameters().get("transport")))) {
      return null;
    }
    String sid = first(query.parameters().get("sid"));
    if (sid == null) {
      ClientHead handshake = ctx.channel().attr(ClientHead.CLIENT).get();
      return handshake == null ? null : handshake.getSessionId();
    }
    try {
      return UUID.fromString(sid);
    } catch (IllegalArgumentException notASession) {
      return null; // the library answers it as an unknown session
    }
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
