package dev.mia.server.compat;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the timer of the pipeline factory that {@link SocketIOServer} makes for itself and that
 * {@link SocketIOServer#setPipelineFactory} then drops. The library starts nothing on that timer
 * but never stops it either, so Netty's leak detector reports it at ERROR ("LEAK:
 * HashedWheelTimer.release() was not called") whenever it is garbage-collected: once per server, at
 * a random later time. The library offers no way to reach the dropped factory, so this reads two
 * private fields of netty-socketio 2.0.14; if they are not there (another version), it does
 * nothing.
 */
public final class DroppedDefaultPipeline {
  private static final Logger log = LoggerFactory.getLogger(DroppedDefaultPipeline.class);

  private DroppedDefaultPipeline() {}

  /**
   * Stops the default pipeline factory's timer; call before {@code server.setPipelineFactory}
   * replaces the factory.
   */
  public static void release(SocketIOServer server) {
    try {
      SocketIOChannelInitializer dropped =
          (SocketIOChannelInitializer) read(SocketIOServer.class, "pipelineFactory", server);
      ((CancelableScheduler) read(SocketIOChannelInitializer.class, "scheduler", dropped))
          .shutdown();
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("cannot stop the default pipeline's timer: {}", e.toString());
    }
  }

  private static Object read(Class<?> owner, String field, Object instance)
      throws ReflectiveOperationException {
    Field f = owner.getDeclaredField(field);
    f.setAccessible(true);
    return f.get(instance);
  }
}
