package dev.mia.server.compat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps a polling POST's "ok" from leaving before the packets it carried are handled.
 * netty-socketio answers a POST first and handles its packets after, so a client that sends its
 * next POST on receiving the answer can have it handled on another I/O thread before the first one
 * is: two messages sent one after the other could reach the conversation in the wrong order. Node's
 * Engine.IO answers after handling; with the answer held, so does this server. All on the POST's
 * own I/O thread: the hold begins and ends around the synchronous handling of that one request.
 */
final class HeldPostReplies {
  private static final AttributeKey<HeldPostReplies> KEY = AttributeKey.valueOf("mia.heldPost");

  private record Write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {}

  private final List<Write> writes = new ArrayList<>(2);
  private final List<Write> dropped = new ArrayList<>();
  private ChannelHandlerContext flushContext;
  private boolean dropping;
  // A packet of the POST whose handling goes on after the synchronous part: the answer waits.
  private CompletableFuture<?> until;

  /** Starts holding the replies written on {@code channel}. */
  static HeldPostReplies hold(Channel channel) {
    HeldPostReplies held = new HeldPostReplies();
    channel.attr(KEY).set(held);
    return held;
  }

  /** {@return the hold on {@code channel}, or null if its replies go out at once} */
  static HeldPostReplies on(Channel channel) {
    return channel.attr(KEY).get();
  }

  void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    (dropping ? dropped : writes).add(new Write(ctx, msg, promise));
  }

  /**
   * From now on, replies are not sent: a POST split into one request per packet gets the one answer
   * of its first part.
   */
  void dropFurtherReplies() {
    dropping = true;
  }

  void flush(ChannelHandlerContext ctx) {
    flushContext = ctx;
  }

  /** Keeps holding after {@link #release} is called, until {@code handled} completes. */
  void until(CompletionStage<?> handled) {
    CompletableFuture<?> next = handled.toCompletableFuture();
    until = until == null ? next : CompletableFuture.allOf(until, next);
  }

  /**
   * Ends the hold on {@code channel} and sends what was held, in order; if some of the POST's
   * packets are still being handled ({@link #until}), once they are, on the channel's I/O thread.
   */
  void release(Channel channel) {
    CompletableFuture<?> pending = until;
    if (pending != null && !pending.isDone()) {
      until = null;
      pending.whenComplete((done, failed) -> channel.eventLoop().execute(() -> release(channel)));
      return;
    }
    channel.attr(KEY).set(null);
    ChannelPromise last = null;
    for (Write w : writes) {
      w.ctx().write(w.msg(), w.promise());
      last = w.promise();
    }
    if (flushContext != null) {
      flushContext.flush();
    }
    if (dropped.isEmpty()) {
      return;
    }
    // The library closes the connection when a dropped answer "is written": let that happen
    // only once the real answer has left, never before it.
    Runnable completeDropped =
        () -> {
          for (Write w : dropped) {
            ReferenceCountUtil.release(w.msg());
            w.promise().trySuccess();
          }
        };
    if (last == null) {
      completeDropped.run();
    } else {
      last.addListener(f -> completeDropped.run());
    }
  }
}
