package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link HeldPostReplies}, as {@link PendingPolls} and {@link PollingConnectionClose} use it: a
 * POST's answer, which netty-socketio writes before it handles the POST's packets, leaves only once
 * every packet is handled, even one whose handling goes on after the I/O thread returned; a POST
 * split into one request per packet gets one answer.
 */
class HeldPostRepliesTest {
  private static final String FIRST = "42[\"message\",\"first\"]";
  private static final String SECOND = "42[\"message\",\"second\"]";
  private static final String THIRD = "42[\"message\",\"third\"]";

  private final String sid = UUID.randomUUID().toString();
  private final AnswersFirst library = new AnswersFirst();

  @Test
  void aPostsAnswerLeavesOnlyAfterEveryPacketIsHandled() {
    EmbeddedChannel channel = polling();

    channel.writeInbound(Http.post(sid, FIRST + "\u001e" + SECOND));

    assertEquals(
        List.of(new Handled(FIRST, 0), new Handled(SECOND, 0)),
        library.handled,
        "nothing had left the channel while a packet was handled");
    assertEquals("ok " + FIRST, Http.readResponse(channel).body());
    assertFalse(channel.finish());
  }

  @Test
  void aSinglePacketPostsAnswerAlsoWaitsForItsPacket() {
    EmbeddedChannel channel = polling();

    channel.writeInbound(Http.post(sid, FIRST));

    assertEquals(List.of(new Handled(FIRST, 0)), library.handled);
    assertEquals("ok " + FIRST, Http.readResponse(channel).body());
    assertFalse(channel.finish());
  }

  @Test
  void aSplitPostGetsOneAnswerTheFirstParts() {
    EmbeddedChannel channel = polling();

    channel.writeInbound(Http.post(sid, FIRST + "\u001e" + SECOND + "\u001e" + THIRD));

    Http.Response answer = Http.readResponse(channel);
    assertEquals(HttpResponseStatus.OK, answer.status());
    assertEquals("ok " + FIRST, answer.body());
    assertEquals(
        String.valueOf(("ok " + FIRST).length()),
        answer.headers().get(HttpHeaderNames.CONTENT_LENGTH));
    assertEquals("close", answer.headers().get(HttpHeaderNames.CONNECTION));
    assertNull(channel.readOutbound(), "no second answer");
    assertFalse(channel.finish());
  }

  @Test
  void theDroppedAnswersCompleteOnlyAfterTheRealOneIsWritten() {
    SlowConnection connection = new SlowConnection();
    EmbeddedChannel channel = polling(connection);
    channel.writeInbound(Http.post(sid, FIRST + "\u001e" + SECOND + "\u001e" + THIRD));
    assertEquals(List.of(), library.completed, "none while the real answer waits to be written");
    assertTrue(channel.isOpen());

    connection.writeThrough();

    assertEquals(
        List.of(new Completed(FIRST, 1), new Completed(SECOND, 1), new Completed(THIRD, 1)),
        library.completed,
        "the real answer first, then the dropped ones, each once the real one was out");
    assertTrue(library.answers.stream().allMatch(ChannelFuture::isSuccess));
    assertFalse(channel.isOpen(), "closed by the library's listener, after the real answer");
    assertEquals("ok " + FIRST, Http.readResponse(channel).body());
    assertFalse(channel.finish());
  }

  @Test
  void aPostsAnswerWaitsForAPacketWhoseHandlingGoesOnLater() {
    EmbeddedChannel channel = polling();
    library.handledLater = new CompletableFuture<>();

    channel.writeInbound(Http.post(sid, FIRST));
    channel.runPendingTasks();
    assertNull(channel.readOutbound(), "no answer while the packet is still being handled");
    assertTrue(channel.isOpen());

    library.handledLater.complete(null);
    channel.runPendingTasks();

    assertEquals("ok " + FIRST, Http.readResponse(channel).body());
    assertFalse(channel.finish());
  }

  @Test
  void theDroppedAnswersAreReleased() {
    EmbeddedChannel channel = polling();

    channel.writeInbound(Http.post(sid, FIRST + "\u001e" + SECOND + "\u001e" + THIRD));

    assertEquals(0, library.responses.get(1).refCnt());
    assertEquals(0, library.responses.get(2).refCnt());
    assertEquals("ok " + FIRST, Http.readResponse(channel).body());
    assertEquals(0, library.responses.get(0).refCnt());
    assertFalse(channel.finish());
  }

  /**
   * {@return a polling connection's pipeline as in the server, in front of {@link #library}; {@code
   * nearTheSocket} sit between it and the connection}
   */
  private EmbeddedChannel polling(ChannelHandler... nearTheSocket) {
    List<ChannelHandler> handlers = new ArrayList<>(List.of(nearTheSocket));
    handlers.addAll(List.of(new PendingPolls(), new PollingConnectionClose(), library));
    return new EmbeddedChannel(handlers.toArray(ChannelHandler[]::new));
  }

  /** A packet handled, with the number of messages that had left the channel by then. */
  private record Handled(String packet, int messagesOut) {}

  /** An answer whose write completed, with the number of messages out of the channel by then. */
  private record Completed(String answering, int messagesOut) {}

  /** A connection that cannot write yet: it keeps what reaches it until {@link #writeThrough}. */
  private static final class SlowConnection extends ChannelOutboundHandlerAdapter {
    private record Write(Object msg, ChannelPromise promise) {}

    private final List<Write> waiting = new ArrayList<>();
    private ChannelHandlerContext ctx;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      this.ctx = ctx;
      waiting.add(new Write(msg, promise));
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      // not writable yet
    }

    /** Writes what waited, as a connection that became writable. */
    void writeThrough() {
      for (Write w : waiting) {
        ctx.write(w.msg(), w.promise());
      }
      waiting.clear();
      ctx.flush();
    }
  }

  /**
   * Stands in for netty-socketio's polling transport: answers a POST at once (a keep-alive answer
   * whose write closes the connection once complete, as the library's), then handles its packets.
   */
  private static final class AnswersFirst extends ChannelInboundHandlerAdapter {
    final List<Handled> handled = new ArrayList<>();
    final List<Completed> completed = new ArrayList<>();
    final List<ChannelFuture> answers = new ArrayList<>();
    final List<FullHttpResponse> responses = new ArrayList<>();
    // When set, the packets' handling goes on until it completes (an admission waiting for Redis).
    CompletableFuture<Void> handledLater;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      FullHttpRequest post = (FullHttpRequest) msg;
      EmbeddedChannel channel = (EmbeddedChannel) ctx.channel();
      if (handledLater != null) {
        PendingPolls.holdAnswerUntil(channel, handledLater);
      }
      try {
        String packet = Http.body(post);
        FullHttpResponse response = answer("ok " + packet);
        responses.add(response);
        ChannelFuture answer = channel.writeAndFlush(response);
        answer.addListener(
            f -> completed.add(new Completed(packet, channel.outboundMessages().size())));
        answer.addListener(ChannelFutureListener.CLOSE);
        answers.add(answer);
        handled.add(new Handled(packet, channel.outboundMessages().size()));
      } finally {
        post.release();
      }
    }

    private static FullHttpResponse answer(String body) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK,
              Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
          .set(HttpHeaderNames.CONNECTION, "keep-alive");
      return response;
    }
  }
}
