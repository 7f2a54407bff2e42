package dev.mia.server.compat;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import com.corundumstudio.socketio.scheduler.SchedulerKey;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.reflect.Field;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the library's first-data timer when a connection's first data arrives, whichever handler
 * takes it. netty-socketio's {@code AuthorizeHandler} closes every connection {@code
 * firstDataTimeout} (5 s) after it opened unless that handler itself has read something from it (a
 * guard against connections that never send anything). Requests that handlers in front of it answer
 * never reach it: a plain-WebSocket connection ({@code /ws}, {@code /ws/chat}) was closed 5 s after
 * it opened, with a normal close frame ("Bye"), however busy it was; a REST client's kept-alive
 * connection too. This handler sits first in the pipeline and, on the first read, cancels the timer
 * the way {@code AuthorizeHandler} does, then leaves the pipeline; a connection that sends nothing
 * is still closed after 5 s. The library's scheduler is private, so {@link #of} reads a private
 * field of netty-socketio 2.0.14; if it is not there (another version), the handler does nothing.
 */
@ChannelHandler.Sharable
public final class FirstDataTimeout extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FirstDataTimeout.class);

  private final Optional<CancelableScheduler> scheduler;

  /** A handler cancelling the timers {@code scheduler} holds. */
  public FirstDataTimeout(Optional<CancelableScheduler> scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * {@return a handler for the connections of {@code pipelines}}; call after its {@code start},
   * which makes the scheduler
   */
  public static FirstDataTimeout of(SocketIOChannelInitializer pipelines) {
    try {
      Field f = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
      f.setAccessible(true);
      return new FirstDataTimeout(Optional.ofNullable((CancelableScheduler) f.get(pipelines)));
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("cannot reach the first-data timer: {}", e.toString());
      return new FirstDataTimeout(Optional.empty());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // The key AuthorizeHandler schedules the close under: the channel itself.
    scheduler.ifPresent(
        s -> s.cancel(new SchedulerKey(SchedulerKey.Type.PING_TIMEOUT, ctx.channel())));
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(msg);
  }
}
