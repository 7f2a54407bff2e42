package dev.mia.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mia.core.testing.Await;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the OpenAI Realtime API, a WebSocket server on Netty at {@code
 * ws://127.0.0.1:<port>/v1/realtime}, for tests: give {@link #baseUrl()} as {@code
 * OPENAI_BASE_URL}. It answers as the API does, from a script:
 *
 * <ul>
 *   <li>on connecting, {@code session.created}; {@code session.update} gets {@code session.updated}
 *       with the session so far;
 *   <li>{@code input_audio_buffer.append} collects audio; {@code input_audio_buffer.commit} gives
 *       {@code input_audio_buffer.committed}, {@code conversation.item.created} and {@code
 *       conversation.item.input_audio_transcription.completed}, whose transcript is the collected
 *       audio read as UTF-8 text (so a test "speaks" by sending the bytes of its words); an empty
 *       buffer gives an {@code error}; {@code input_audio_buffer.clear} gives {@code cleared};
 *   <li>{@code conversation.item.create} gives {@code conversation.item.created};
 *   <li>{@code response.create} streams a whole reply at once: {@code response.created}, then with
 *       audio {@code response.audio_transcript.delta}s, {@code response.audio.delta}s (each the
 *       bytes of {@link #audioOf} a word), {@code response.audio_transcript.done} and {@code
 *       response.audio.done}, or without (modalities {@code ["text"]}) {@code response.text.delta}s
 *       and {@code response.text.done}; then {@code response.done}. The reply is {@link #REPLY}, or
 *       {@link #SAFETY_REPLY} when the session's instructions name the 988 crisis line;
 *   <li>{@code response.cancel} gets an {@code error} {@code response_cancel_not_active}, since no
 *       reply is under way between two events unless {@link #holdNextReply} keeps one; errors carry
 *       the causing {@code event_id};
 *   <li>a user's words (typed or spoken) containing {@code [error]} get an {@code error} event, and
 *       {@code [close]} makes the fake close the connection with 1011.
 * </ul>
 *
 * Every connection is kept with what it received ({@link Peer}). {@link #refuseWith} and {@link
 * #holdHandshakes} script failures of the handshake. Close it after the test.
 */
public final class FakeRealtime implements AutoCloseable {
  /** The reply to anything, unless the instructions carry a crisis. */
  public static final String REPLY = "I hear you. Tell me more about it.";

  /** The reply under instructions that name the 988 crisis line. */
  public static final String SAFETY_REPLY = "I'm worried about you. You can call or text 988 now.";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final List<Peer> peers = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Peer> arrivals = new LinkedBlockingQueue<>();
  private final List<FullHttpRequest> held = new ArrayList<>();
  private final List<ChannelHandlerContext> heldAt = new ArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int refusal;
  private volatile boolean holding;
  private volatile boolean reading = true;
  private volatile boolean holdNextReply;

  private FakeRealtime() throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(1 << 20),
                            new Gate(),
                            new WebSocketServerProtocolHandler(
                                WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath("/v1/realtime")
                                    .checkStartsWith(true)
                                    .maxFramePayloadLength(16 << 20)
                                    .build()),
                            new WebSocketFrameAggregator(16 << 20),
                            new Conversation());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  /** {@return a started fake on a free loopback port} */
  public static FakeRealtime start() {
    try {
      return new FakeRealtime();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@return the base URL to give as {@code OPENAI_BASE_URL}, ending in {@code /v1}} */
  public String baseUrl() {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/v1";
  }

  /** {@return the audio the fake sends for {@code word}, base64} */
  public static String audioOf(String word) {
    return Base64.getEncoder().encodeToString(("pcm:" + word).getBytes(StandardCharsets.UTF_8));
  }

  /** {@return {@code words} as audio a test sends: the fake hears the bytes as these words} */
  public static String speech(String words) {
    return Base64.getEncoder().encodeToString(words.getBytes(StandardCharsets.UTF_8));
  }

  /** From now on, refuses every handshake with this HTTP status (0: accept again). */
  public FakeRealtime refuseWith(int status) {
    refusal = status;
    return this;
  }

  /** From now on, holds handshake requests unanswered until {@link #releaseHandshakes()}. */
  public FakeRealtime holdHandshakes() {
    holding = true;
    return this;
  }

  /** Answers the held handshakes, and those to come. */
  public void releaseHandshakes() {
    server
        .eventLoop()
        .execute(
            () -> {
              holding = false;
              for (int i = 0; i < held.size(); i++) {
                heldAt.get(i).fireChannelRead(held.get(i));
              }
              held.clear();
              heldAt.clear();
            });
  }

  /**
   * From now on, new connections read nothing after their handshake, as a stalled API would, so
   * what the server writes piles up in its own buffers.
   */
  public FakeRealtime stopReading() {
    reading = false;
    return this;
  }

  /**
   * The next reply stays under way after its first piece, as a long spoken reply would, until a
   * {@code response.cancel} ends it ({@code response.done} with status {@code cancelled}); while it
   * is, another {@code response.create} gets {@code conversation_already_has_active_response}.
   */
  public FakeRealtime holdNextReply() {
    holdNextReply = true;
    return this;
  }

  /** {@return how many handshake requests have arrived, answered or not} */
  public int handshakesSeen() {
    return requests.get();
  }

  /**
   * Forgets the script and the connections not yet awaited: handshakes are answered, new
   * connections read; for a fake shared by several tests.
   */
  public void reset() {
    refusal = 0;
    reading = true;
    holdNextReply = false;
    arrivals.clear();
    if (holding) {
      releaseHandshakes();
    }
  }

  /** {@return the next connection to open, waiting for it} */
  public Peer awaitPeer() {
    try {
      Peer peer = arrivals.poll(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      if (peer == null) {
        throw new AssertionError("no connection reached the fake Realtime API");
      }
      return peer;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** {@return the connections open now} */
  public int openConnections() {
    return open.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Refuses or holds handshakes as scripted. */
  private final class Gate extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof FullHttpRequest request)) {
        ctx.fireChannelRead(msg);
        return;
      }
      requests.incrementAndGet();
      if (refusal != 0) {
        request.release();
        DefaultFullHttpResponse response =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(refusal),
                Unpooled.copiedBuffer("{\"error\":\"refused\"}", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (holding) {
        held.add(request);
        heldAt.add(ctx);
        return;
      }
      ctx.fireChannelRead(request);
    }
  }

  /** One connection from the server under test, and what it sent. */
  public static final class Peer {
    private final Channel channel;
    private final HttpHeaders headers;
    private final String uri;
    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    // Touched only on the fake's event loop.
    private final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    private final ObjectNode session = JSON.createObjectNode();
    private int items;
    private int responses;
    private String underWay;

    Peer(Channel channel, HttpHeaders headers, String uri) {
      this.channel = channel;
      this.headers = headers;
      this.uri = uri;
    }

    /** {@return the request URI of the handshake, e.g. {@code /v1/realtime?model=…}} */
    public String uri() {
      return uri;
    }

    /** {@return a header of the handshake request} */
    public String header(String name) {
      return headers.get(name);
    }

    /** {@return the next event the server sent, waiting for it} */
    public JsonNode next() {
      try {
        JsonNode event = received.poll(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
          throw new AssertionError("the fake Realtime API received nothing more");
        }
        return event;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** {@return the next event of {@code type} the server sent, skipping others} */
    public JsonNode await(String type) {
      while (true) {
        JsonNode event = next();
        if (type.equals(event.path("type").asText())) {
          return event;
        }
      }
    }

    /** {@return every event received so far} */
    public List<JsonNode> received() {
      return List.copyOf(all);
    }

    /** Sends {@code event} to the server, as the API would. */
    public void send(String event) {
      channel.writeAndFlush(new TextWebSocketFrame(event));
    }

    /** Closes the connection from the API's side with {@code code}. */
    public void close(int code, String reason) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(code, reason))
          .addListener(ChannelFutureListener.CLOSE);
    }

    /** Waits until the connection is closed, by either side. */
    public void awaitClosed() {
      Await.latch(closed, "the Realtime connection to close");
    }

    /** {@return whether the connection is closed} */
    public boolean isClosed() {
      return closed.getCount() == 0;
    }
  }

  /** The API's side of one connection. */
  private final class Conversation extends SimpleChannelInboundHandler<WebSocketFrame> {
    private Peer peer;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
        peer = new Peer(ctx.channel(), done.requestHeaders(), done.requestUri());
        if (!reading) {
          ctx.channel().config().setAutoRead(false);
        }
        peer.session.put("id", "sess_fake");
        peer.session.putArray("modalities").add("text").add("audio");
        open.incrementAndGet();
        peers.add(peer);
        arrivals.add(peer);
        ObjectNode created = event("session.created");
        created.set("session", peer.session.deepCopy());
        send(created);
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (peer != null) {
        open.decrementAndGet();
        peer.closed.countDown();
      }
      ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
      if (!(frame instanceof TextWebSocketFrame text)) {
        return;
      }
      JsonNode event = JSON.readTree(text.text());
      peer.all.add(event);
      peer.received.add(event);
      String eventId = event.path("event_id").asText("");
      switch (event.path("type").asText("")) {
        case "session.update" -> {
          event
              .path("session")
              .fields()
              .forEachRemaining(f -> peer.session.set(f.getKey(), f.getValue()));
          ObjectNode updated = event("session.updated");
          updated.set("session", peer.session.deepCopy());
          send(updated);
        }
        case "input_audio_buffer.append" ->
            peer.audio.writeBytes(Base64.getDecoder().decode(event.path("audio").asText("")));
        case "input_audio_buffer.clear" -> {
          peer.audio.reset();
          send(event("input_audio_buffer.cleared"));
        }
        case "input_audio_buffer.commit" -> commit(eventId);
        case "conversation.item.create" -> {
          String itemId = "item_" + ++peer.items;
          ObjectNode created = event("conversation.item.created");
          ObjectNode item = ((ObjectNode) event.path("item").deepCopy()).put("id", itemId);
          created.set("item", item);
          send(created);
          StringBuilder words = new StringBuilder();
          event.path("item").path("content").forEach(p -> words.append(p.path("text").asText("")));
          script(words.toString(), eventId);
        }
        case "response.create" -> {
          if (peer.underWay != null) {
            error(
                "invalid_request_error",
                "conversation_already_has_active_response",
                "a response is in progress",
                eventId);
          } else {
            respond(event.path("response"));
          }
        }
        case "response.cancel" -> {
          if (peer.underWay != null) {
            ObjectNode done = event("response.done");
            done.putObject("response").put("id", peer.underWay).put("status", "cancelled");
            peer.underWay = null;
            send(done);
          } else {
            error("invalid_request_error", "response_cancel_not_active", "no response", eventId);
          }
        }
        default -> {
          // Recorded only.
        }
      }
    }

    private void commit(String eventId) {
      if (peer.audio.size() == 0) {
        error(
            "invalid_request_error",
            "input_audio_buffer_commit_empty",
            "buffer too small",
            eventId);
        return;
      }
      String words = peer.audio.toString(StandardCharsets.UTF_8);
      peer.audio.reset();
      String itemId = "item_" + ++peer.items;
      send(event("input_audio_buffer.committed").put("item_id", itemId));
      ObjectNode created = event("conversation.item.created");
      created.putObject("item").put("id", itemId).put("type", "message").put("role", "user");
      send(created);
      send(
          event("conversation.item.input_audio_transcription.completed")
              .put("item_id", itemId)
              .put("content_index", 0)
              .put("transcript", words));
      script(words, eventId);
    }

    /** Scripted failures named in the user's words. */
    private void script(String words, String eventId) {
      if (words.contains("[error]")) {
        error("server_error", "scripted_error", "scripted failure", eventId);
      }
      if (words.contains("[close]")) {
        peer.close(1011, "scripted close");
      }
    }

    private void respond(JsonNode options) {
      String responseId = "resp_" + ++peer.responses;
      JsonNode modalities =
          options.has("modalities") ? options.get("modalities") : peer.session.path("modalities");
      boolean audio = false;
      for (JsonNode m : modalities) {
        audio |= m.asText().equals("audio");
      }
      String reply =
          peer.session.path("instructions").asText("").contains("988") ? SAFETY_REPLY : REPLY;
      ObjectNode created = event("response.created");
      created.putObject("response").put("id", responseId).put("status", "in_progress");
      send(created);
      String prefix = audio ? "response.audio_transcript" : "response.text";
      if (holdNextReply) {
        holdNextReply = false;
        peer.underWay = responseId;
        send(event(prefix + ".delta").put("response_id", responseId).put("delta", "I "));
        return;
      }
      for (String word : reply.split("(?<= )")) {
        send(event(prefix + ".delta").put("response_id", responseId).put("delta", word));
        if (audio) {
          send(
              event("response.audio.delta")
                  .put("response_id", responseId)
                  .put("delta", audioOf(word)));
        }
      }
      send(
          event(prefix + ".done")
              .put("response_id", responseId)
              .put(audio ? "transcript" : "text", reply));
      if (audio) {
        send(event("response.audio.done").put("response_id", responseId));
      }
      ObjectNode done = event("response.done");
      done.putObject("response").put("id", responseId).put("status", "completed");
      send(done);
    }

    private void error(String type, String code, String message, String eventId) {
      ObjectNode error = event("error");
      ObjectNode detail = error.putObject("error");
      detail.put("type", type);
      detail.put("code", code);
      detail.put("message", message);
      if (!eventId.isEmpty()) {
        detail.put("event_id", eventId);
      }
      send(error);
    }

    private ObjectNode event(String type) {
      ObjectNode event = JSON.createObjectNode();
      event.put("type", type);
      event.put("event_id", "event_" + System.nanoTime());
      return event;
    }

    private void send(ObjectNode event) {
      peer.channel.writeAndFlush(new TextWebSocketFrame(event.toString()));
    }
  }
}
