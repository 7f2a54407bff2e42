package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link DroppedDefaultPipeline}: the timer of the pipeline factory a {@link SocketIOServer} makes
 * for itself is stopped, once, harmlessly if again.
 */
class DroppedDefaultPipelineTest {

  /**
   * Reads the same private fields as the class itself: if a library upgrade moves them, this fails
   * rather than the release silently doing nothing (and the leak report coming back).
   */
  @Test
  void releaseStopsTheDefaultFactorysTimer() throws ReflectiveOperationException {
    SocketIOServer server = new SocketIOServer(new Configuration());

    DroppedDefaultPipeline.release(server);

    CancelableScheduler scheduler = defaultFactorysScheduler(server);
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class, () -> scheduler.schedule(() -> {}, 1, TimeUnit.HOURS));
    assertEquals("cannot be started once stopped", refused.getMessage());
  }

  @Test
  void aSecondReleaseIsHarmless() {
    SocketIOServer server = new SocketIOServer(new Configuration());
    DroppedDefaultPipeline.release(server);

    assertDoesNotThrow(() -> DroppedDefaultPipeline.release(server));
  }

  private static CancelableScheduler defaultFactorysScheduler(SocketIOServer server)
      throws ReflectiveOperationException {
    Field factory = SocketIOServer.class.getDeclaredField("pipelineFactory");
    factory.setAccessible(true);
    Field scheduler = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
    scheduler.setAccessible(true);
    return (CancelableScheduler) scheduler.get(factory.get(server));
  }
}
