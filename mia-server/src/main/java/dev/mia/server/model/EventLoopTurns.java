package dev.mia.server.model;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.Executor;

/**
 * Runs a conversation turn on the Netty event loop of the thread that hands it over, after the work
 * that loop is doing now (the listener that accepted the message, its acknowledgement). A message,
 * its model request and every piece of its reply then stay on the thread of the client's socket: no
 * hand-off, no wake-up of another thread, no thread that competes for a core. A turn handed over
 * from any other thread (a model timeout ending a turn, so the next queued one starts) runs on
 * {@code elsewhere}. Fit only while turns never block: the pattern classifier, not the moderation
 * endpoint.
 */
public final class EventLoopTurns implements Executor {
  private final Executor elsewhere;

  /** Turns handed over from outside a Netty event loop run on {@code elsewhere}. */
  public EventLoopTurns(Executor elsewhere) {
    this.elsewhere = elsewhere;
  }

  @Override
  public void execute(Runnable turn) {
    EventExecutor current = ThreadExecutorMap.currentExecutor();
    if (current instanceof EventLoop loop && !loop.isShuttingDown()) {
      loop.execute(turn);
    } else {
      elsewhere.execute(turn);
    }
  }
}
