package dev.mia.server.compat;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * netty-socketio's exception listener without the payloads. The library's default logs the
 * exception's message at ERROR, and Jackson's messages about a packet it cannot read quote the
 * payload (message text); this one logs only the exception's class at ERROR, and the exception
 * itself (message, stack) at DEBUG, which is off in production. A client that sent an unreadable
 * packet keeps its connection, as for any other bad input.
 */
public final class QuietExceptionListener extends ExceptionListenerAdapter {
  private static final Logger log = LoggerFactory.getLogger(QuietExceptionListener.class);

  @Override
  public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
    log.error("event handler failed: {}", e.getClass().getName());
    log.debug("event handler failure", e);
  }

  @Override
  public void onAuthException(Throwable e, SocketIOClient client) {
    log.error("auth listener failed: {}", e.getClass().getName());
    log.debug("auth listener failure", e);
  }

  @Override
  public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
    // Reached from the packet handler: mostly a packet that cannot be decoded (not JSON, nested
    // deeper than the parser allows). The packet is dropped and the connection kept, as for other
    // bad input; closing here cut a WebSocket client off (a polling one kept its session).
    // Transport failures (an oversized frame or body, a reset) are closed where detected.
    log.debug("unreadable packet or connection error: {}", e.getClass().getName());
    return true;
  }
}
