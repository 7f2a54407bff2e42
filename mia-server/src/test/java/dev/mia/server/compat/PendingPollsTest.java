package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link PendingPolls}: a POST is handed on one packet at a time, and a close packet ends the
 * session's pending long-poll at once, with a noop, on whichever connection that poll waits.
 */
class PendingPollsTest {
  private static final String SEPARATOR = "\u001e";

  private final String sid = UUID.randomUUID().toString();
  private final PendingPolls pendingPolls = new PendingPolls();

  @Test
  void aPostOfTwoPacketsIsHandedOnAsOneRequestPerPacketInOrder() {
    EmbeddedChannel channel = new EmbeddedChannel(pendingPolls);
    String first = "42[\"message\",{\"message\":\"h\u00e9llo \uD83D\uDE00\"}]";
    String second = "42[\"join_session\",null]";
    FullHttpRequest post = Http.post(sid, first + SEPARATOR + second);

    channel.writeInbound(post);

    FullHttpRequest one = channel.readInbound();
    FullHttpRequest two = channel.readInbound();
    try {
      assertArrayEquals(
          first.getBytes(StandardCharsets.UTF_8), ByteBufUtil.getBytes(one.content()));
      assertArrayEquals(
          second.getBytes(StandardCharsets.UTF_8), ByteBufUtil.getBytes(two.content()));
      assertEquals(HttpMethod.POST, one.method());
      assertEquals(HttpMethod.POST, two.method());
      assertEquals(post.uri(), one.uri());
      assertEquals(post.uri(), two.uri());
    } finally {
      one.release();
      two.release();
    }
    assertEquals(0, post.refCnt(), "the split POST is released");
    assertFalse(channel.finish());
  }

  @Test
  void aPostOfOnePacketIsHandedOnAsItIs() {
    EmbeddedChannel channel = new EmbeddedChannel(pendingPolls);
    FullHttpRequest post = Http.post(sid, "42[\"message\",\"hi\"]");

    channel.writeInbound(post);

    FullHttpRequest handedOn = channel.readInbound();
    try {
      assertSame(post, handedOn);
      assertEquals("42[\"message\",\"hi\"]", Http.body(handedOn));
    } finally {
      handedOn.release();
    }
    assertFalse(channel.finish());
  }

  @Test
  void aPostOutsideAPollingSessionIsHandedOnAsItIs() {
    EmbeddedChannel channel = new EmbeddedChannel(pendingPolls);
    FullHttpRequest post = Http.postTo("/api/auth/token", "a" + SEPARATOR + "b");

    channel.writeInbound(post);

    FullHttpRequest handedOn = channel.readInbound();
    try {
      assertSame(post, handedOn);
    } finally {
      handedOn.release();
    }
    assertFalse(channel.finish());
  }

  @Test
  void aClosePacketAnswersThePendingPollOfItsSessionWithANoop() {
    EmbeddedChannel poll = pendingPoll();
    EmbeddedChannel post = new EmbeddedChannel(pendingPolls);

    post.writeInbound(Http.post(sid, "1"));

    Http.Response noop = Http.readResponse(poll);
    assertEquals(HttpResponseStatus.OK, noop.status());
    assertEquals("6", noop.body());
    assertEquals("1", noop.headers().get(HttpHeaderNames.CONTENT_LENGTH));
    assertEquals("close", noop.headers().get(HttpHeaderNames.CONNECTION));
    assertEquals("text/plain; charset=UTF-8", noop.headers().get(HttpHeaderNames.CONTENT_TYPE));
    assertFalse(poll.isOpen(), "the poll's connection is closed");
    assertTrue(pendingPolls.pendingGet(sid).isEmpty());
    assertFalse(poll.finish());
    releaseHandedOn(post, "1");
    assertFalse(post.finish());
  }

  @Test
  void aCloseBatchedBehindOtherPacketsAlsoAnswersThePendingPoll() {
    EmbeddedChannel poll = pendingPoll();
    EmbeddedChannel post = new EmbeddedChannel(pendingPolls);

    post.writeInbound(Http.post(sid, "41" + SEPARATOR + "1"));

    assertEquals("6", Http.readResponse(poll).body());
    assertFalse(poll.finish());
    releaseHandedOn(post, "41");
    releaseHandedOn(post, "1");
    assertFalse(post.finish());
  }

  @Test
  void aPostWithoutCloseLeavesThePollPending() {
    EmbeddedChannel poll = pendingPoll();
    EmbeddedChannel post = new EmbeddedChannel(pendingPolls);

    post.writeInbound(Http.post(sid, "42[\"message\",\"1\"]"));

    assertNull(poll.readOutbound());
    assertTrue(poll.isOpen());
    assertSame(poll, pendingPolls.pendingGet(sid).orElseThrow());
    releaseHandedOn(post, "42[\"message\",\"1\"]");
    assertFalse(post.finish());
    assertFalse(poll.finish());
  }

  @Test
  void aCloseForAnotherSessionLeavesThePollPending() {
    EmbeddedChannel poll = pendingPoll();
    EmbeddedChannel post = new EmbeddedChannel(pendingPolls);

    post.writeInbound(Http.post(UUID.randomUUID().toString(), "1"));

    assertNull(poll.readOutbound());
    assertTrue(poll.isOpen());
    releaseHandedOn(post, "1");
    assertFalse(post.finish());
    assertFalse(poll.finish());
  }

  @Test
  void aPollWhoseConnectionClosedIsNoLongerPending() {
    EmbeddedChannel poll = pendingPoll();

    poll.close();

    assertTrue(pendingPolls.pendingGet(sid).isEmpty());
    assertFalse(poll.finish());
  }

  /** {@return a connection whose long-poll of the session went through {@link #pendingPolls}} */
  private EmbeddedChannel pendingPoll() {
    EmbeddedChannel poll = new EmbeddedChannel(pendingPolls);
    FullHttpRequest get = Http.get(sid);
    poll.writeInbound(get);
    FullHttpRequest handedOn = poll.readInbound();
    assertSame(get, handedOn, "a GET is handed on to the library as it is");
    handedOn.release();
    return poll;
  }

  private static void releaseHandedOn(EmbeddedChannel channel, String expectedBody) {
    FullHttpRequest handedOn = channel.readInbound();
    try {
      assertEquals(expectedBody, Http.body(handedOn));
    } finally {
      handedOn.release();
    }
  }
}
