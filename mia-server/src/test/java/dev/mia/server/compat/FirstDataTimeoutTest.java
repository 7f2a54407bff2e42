package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import com.corundumstudio.socketio.scheduler.SchedulerKey;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link FirstDataTimeout}: the first read, whoever answers it, ends the library's first-data timer
 * of that connection, once.
 */
class FirstDataTimeoutTest {

  /** The library's scheduler interface, recording what is cancelled. */
  private static final class RecordingScheduler implements CancelableScheduler {
    final List<SchedulerKey> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public void update(ChannelHandlerContext ctx) {}

    @Override
    public void cancel(SchedulerKey key) {
      cancelled.add(key);
    }

    @Override
    public void scheduleCallback(SchedulerKey key, Runnable runnable, long delay, TimeUnit unit) {}

    @Override
    public void schedule(Runnable runnable, long delay, TimeUnit unit) {}

    @Override
    public void schedule(SchedulerKey key, Runnable runnable, long delay, TimeUnit unit) {}

    @Override
    public void shutdown() {}
  }

  @Test
  void theFirstReadEndsTheTimerOfItsChannelAndGoesOn() {
    RecordingScheduler scheduler = new RecordingScheduler();
    EmbeddedChannel channel = new EmbeddedChannel(new FirstDataTimeout(Optional.of(scheduler)));

    channel.writeInbound("GET /ws/chat");

    assertEquals(
        List.of(new SchedulerKey(SchedulerKey.Type.PING_TIMEOUT, channel)), scheduler.cancelled);
    assertEquals("GET /ws/chat", channel.readInbound());
  }

  @Test
  void afterTheFirstReadTheHandlerIsGone() {
    RecordingScheduler scheduler = new RecordingScheduler();
    EmbeddedChannel channel = new EmbeddedChannel(new FirstDataTimeout(Optional.of(scheduler)));
    channel.writeInbound("first");

    channel.writeInbound("second");

    assertEquals(1, scheduler.cancelled.size());
    assertNull(channel.pipeline().get(FirstDataTimeout.class));
    assertEquals("first", channel.readInbound());
    assertEquals("second", channel.readInbound());
  }

  @Test
  void withoutTheLibrarysSchedulerReadsStillGoOn() {
    EmbeddedChannel channel = new EmbeddedChannel(new FirstDataTimeout(Optional.empty()));

    channel.writeInbound("data");

    assertEquals("data", channel.readInbound());
  }

  /**
   * Reads the same private field as the class itself: if a library upgrade moves it, this fails
   * rather than plain WebSockets being closed after 5 s again.
   */
  @Test
  void theLibrarysSchedulerIsWhereTheClassLooks() throws ReflectiveOperationException {
    Field field = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
    field.setAccessible(true);

    Object scheduler = field.get(new SocketIOChannelInitializer());

    assertInstanceOf(CancelableScheduler.class, scheduler);
    // Its timer thread runs from construction; stopped, it leaves no leak report in the log.
    ((CancelableScheduler) scheduler).shutdown();
  }
}
