package dev.mia.server.model;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Keeps a conversation turn on the Netty event loop of the thread that submitted its message (the
 * socket's I/O thread): as the engine's turn placement, it names that loop, so the turn, its model
 * request, every piece of its reply, and the continuations after the store or a slow classifier all
 * run there, with no hand-off to another thread and no thread competing for a core. A turn
 * submitted from any other thread (a store's writer, a model timeout ending a turn so the next
 * queued one starts) runs on {@code elsewhere}. Fit only while the steps of a turn never block: the
 * pattern classifier, not the moderation endpoint.
 */
public final class EventLoopTurns implements Executor, Supplier<Executor> {
  private final Executor elsewhere;

  /** Turns handed over from outside a Netty event loop run on {@code elsewhere}. */
  public EventLoopTurns(Executor elsewhere) {
    this.elsewhere = elsewhere;
  }

  /** {@return the calling thread's event loop, or {@code elsewhere} off a loop} */
  @Override
  public Executor get() {
    EventExecutor current = ThreadExecutorMap.currentExecutor();
    if (current instanceof EventLoop loop && !loop.isShuttingDown()) {
      return loop;
    }
    return elsewhere;
  }

  /** Runs {@code turn} on the calling thread's event loop, after its current work, or elsewhere. */
  @Override
  public void execute(Runnable turn) {
    get().execute(turn);
  }
}
