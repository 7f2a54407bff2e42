package dev.mia.server.websocket;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollEventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One WebSocket connection to the OpenAI Realtime API, for one voice conversation: a Netty client
 * on the event loop of the client connection it serves, so that the client's messages, the API's
 * events and everything the relay does with them run on that one thread, with no locks. Only the
 * host name is looked up elsewhere ({@code lookups}), because the JDK's lookup blocks. Every {@link
 * Listener} call comes on that loop; {@link #send}, {@link #pauseReading} and {@link #close} are
 * called there too. The API's text messages arrive whole (up to 16 MiB); what is written waits in
 * Netty's buffer, and {@link #isWritable()} turns false once {@code highWater} bytes wait there.
 */
final class RealtimeUpstream {
  /** The longest event the API may send: audio deltas are large. */
  static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

  /** What happens to the connection, told on the client connection's event loop. */
  interface Listener {
    /** The handshake is done: messages may be sent. */
    void upstreamOpen();

    /** One event, a JSON text as the API sent it. */
    void upstreamEvent(String text);

    /**
     * The connection failed or ended; called once, after which nothing else is called. {@code
     * detail} says how, for a person and the logs (never conversation text).
     */
    void upstreamClosed(boolean wasOpen, String detail);
  }

  private final EventLoop loop;
  private final Listener listener;
  private Channel channel;
  private boolean open;
  private boolean ended;
  private boolean closing;
  private Optional<String> closeStatus = Optional.empty();

  private RealtimeUpstream(EventLoop loop, Listener listener) {
    this.loop = loop;
    this.listener = listener;
  }

  /**
   * {@return a connection on its way to {@code endpoint}, authorized with {@code apiKey}} The
   * listener hears when it is open, or that it failed within {@code timeout}.
   */
  static RealtimeUpstream connect(
      EventLoop loop,
      URI endpoint,
      String apiKey,
      Optional<SslContext> tls,
      Duration timeout,
      int highWater,
      Executor lookups,
      Listener listener) {
    RealtimeUpstream upstream = new RealtimeUpstream(loop, listener);
    upstream.start(endpoint, apiKey, tls, timeout, highWater, lookups);
    return upstream;
  }

  private void start(
      URI endpoint,
      String apiKey,
      Optional<SslContext> tls,
      Duration timeout,
      int highWater,
      Executor lookups) {
    String host = endpoint.getHost();
    boolean secure = "wss".equals(endpoint.getScheme());
    int port = endpoint.getPort() != -1 ? endpoint.getPort() : secure ? 443 : 80;
    CompletableFuture<InetAddress> lookup;
    try {
      lookup = CompletableFuture.supplyAsync(() -> resolve(host), lookups);
    } catch (RejectedExecutionException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    lookup.whenComplete(
        (address, failure) ->
            loop.execute(
                () -> {
                  if (ended) {
                    return;
                  }
                  if (failure != null) {
                    end("the Realtime API's host could not be found");
                    return;
                  }
                  dial(
                      new InetSocketAddress(address, port),
                      endpoint,
                      apiKey,
                      tls.filter(t -> secure),
                      timeout,
                      highWater);
                }));
  }

  private static InetAddress resolve(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private void dial(
      InetSocketAddress address,
      URI endpoint,
      String apiKey,
      Optional<SslContext> tls,
      Duration timeout,
      int highWater) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("Authorization", "Bearer " + apiKey);
    headers.set("OpenAI-Beta", "realtime=v1");
    WebSocketClientProtocolConfig protocol =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(endpoint)
            .version(WebSocketVersion.V13)
            .allowExtensions(false)
            .customHeaders(headers)
            .maxFramePayloadLength(MAX_EVENT_BYTES)
            .handleCloseFrames(false)
            .dropPongFrames(true)
            .handshakeTimeoutMillis(timeout.toMillis())
            .build();
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    ChannelFuture connecting =
        new Bootstrap()
            .group(loop)
            .channel(
                loop instanceof EpollEventLoop ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(highWater / 2, highWater))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (tls.isPresent()) {
                      SslHandler ssl =
                          tls.get().newHandler(ch.alloc(), endpoint.getHost(), address.getPort());
                      ssl.setHandshakeTimeoutMillis(millis);
                      ch.pipeline().addLast(ssl);
                    }
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(64 * 1024),
                            new WebSocketClientProtocolHandler(protocol),
                            new WebSocketFrameAggregator(MAX_EVENT_BYTES),
                            new Events());
                  }
                })
            .connect(address);
    channel = connecting.channel();
    connecting.addListener(
        done -> {
          if (!done.isSuccess()) {
            end("the Realtime API could not be reached");
          }
        });
  }

  /** {@return whether messages may be sent: the handshake is done and the connection is up} */
  boolean isOpen() {
    return open && !ended;
  }

  /** {@return whether fewer bytes than the high-water mark wait to be written} */
  boolean isWritable() {
    return channel != null && channel.isWritable();
  }

  /** Sends one JSON text; only while {@link #isOpen()}. */
  void send(String json) {
    channel.write(new TextWebSocketFrame(json), channel.voidPromise());
  }

  /** Writes what {@link #send} queued. */
  void flush() {
    if (channel != null) {
      channel.flush();
    }
  }

  /** Stops or resumes reading the API's events, to pass a slow client's back-pressure on. */
  void pauseReading(boolean paused) {
    if (channel != null) {
      channel.config().setAutoRead(!paused);
    }
  }

  /**
   * Closes the connection (with a close frame when open); the listener hears nothing more. Safe to
   * call more than once, and before the connection is made.
   */
  void close() {
    ended = true;
    closing = true;
    if (channel != null) {
      channel.close();
    }
  }

  private void end(String detail) {
    if (ended) {
      return;
    }
    ended = true;
    if (channel != null) {
      channel.close();
    }
    listener.upstreamClosed(open, detail);
  }

  /** The API's side of the connection, on the loop. */
  private final class Events extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        if (!ended) {
          open = true;
          listener.upstreamOpen();
        }
        return;
      }
      if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        end("the Realtime API did not answer in time");
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (ended) {
        return;
      }
      if (frame instanceof TextWebSocketFrame text) {
        listener.upstreamEvent(text.text());
      } else if (frame instanceof CloseWebSocketFrame close) {
        closeStatus = Optional.of(close.statusCode() + " " + close.reasonText());
        // The protocol handler answers with its own close frame as it closes.
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!closing) {
        end(
            open
                ? "the Realtime API closed the connection"
                    + closeStatus.map(s -> " (" + s.trim() + ")").orElse("")
                : "the Realtime API closed the connection before the handshake");
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof WebSocketClientHandshakeException refused
          && refused.response() != null) {
        end("the Realtime API refused the connection: HTTP " + refused.response().status().code());
      } else {
        end("the connection to the Realtime API failed: " + cause.getClass().getSimpleName());
      }
    }
  }
}
