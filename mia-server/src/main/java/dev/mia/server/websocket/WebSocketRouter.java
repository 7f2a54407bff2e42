package dev.mia.server.websocket;

import dev.mia.server.http.OriginPolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a WebSocket upgrade request for a plain-WebSocket endpoint ({@code /ws}, {@code /ws/chat},
 * …) to that endpoint, on the port Socket.IO also serves. The request's {@code Origin} must be
 * allowed (browsers do not apply CORS to WebSockets) and the endpoint must admit it; then the
 * connection's pipeline becomes Netty's WebSocket protocol handler (handshake, framing, ping and
 * close frames, the 1 MB message limit) and the endpoint's handler, and the Socket.IO handlers
 * leave it. Anything else passes on unchanged. Runs on the connection's event loop and never
 * blocks.
 */
@ChannelHandler.Sharable
public final class WebSocketRouter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketRouter.class);

  /** The longest message a client may send, as for Socket.IO. */
  static final int MAX_MESSAGE_BYTES = 1_000_000;

  // The handlers a plain WebSocket keeps: the transport's and the HTTP codec until the handshake.
  private static final Set<Class<?>> KEPT =
      Set.of(
          SslHandler.class,
          HttpRequestDecoder.class,
          HttpResponseEncoder.class,
          HttpServerCodec.class,
          HttpObjectAggregator.class);

  private final Map<String, WebSocketEndpoint> byPath = new LinkedHashMap<>();
  // Connections open now, per endpoint: counted here, where every endpoint's connections pass.
  private final Map<WebSocketEndpoint, AtomicInteger> open = new IdentityHashMap<>();
  private final OriginPolicy origins;

  /**
   * A router for {@code endpoints}, letting in browsers from the origins {@code origins} allows.
   */
  public WebSocketRouter(List<WebSocketEndpoint> endpoints, OriginPolicy origins) {
    for (WebSocketEndpoint endpoint : endpoints) {
      for (String path : endpoint.paths()) {
        if (byPath.put(path, endpoint) != null) {
          throw new IllegalArgumentException("two WebSocket endpoints answer " + path);
        }
      }
      open.put(endpoint, new AtomicInteger());
    }
    this.origins = origins;
  }

  /** {@return how many connections {@code endpoint}, one of this router's, holds open now} */
  public int connections(WebSocketEndpoint endpoint) {
    AtomicInteger count = open.get(endpoint);
    if (count == null) {
      throw new IllegalArgumentException("not an endpoint of this router: " + endpoint);
    }
    return count.get();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request) || !isUpgrade(request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    WebSocketEndpoint endpoint = byPath.get(path);
    if (endpoint == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    Optional<String> origin = Optional.ofNullable(request.headers().get(HttpHeaderNames.ORIGIN));
    Optional<String> host = Optional.ofNullable(request.headers().get(HttpHeaderNames.HOST));
    if (!origins.permits(origin, host)) {
      refuse(
          ctx, request, HttpResponseStatus.FORBIDDEN, "ORIGIN_NOT_ALLOWED", "Origin not allowed");
      return;
    }
    CompletionStage<WebSocketEndpoint.Admission> admission;
    try {
      admission = endpoint.admit(request);
    } catch (RuntimeException e) {
      admission = CompletableFuture.failedFuture(e);
    }
    // Nothing more may be read until the decision: the client sends nothing before the handshake.
    ctx.channel().config().setAutoRead(false);
    admission.whenComplete(
        (decided, failure) ->
            ctx.executor()
                .execute(
                    () -> {
                      ctx.channel().config().setAutoRead(true);
                      if (!ctx.channel().isActive()) {
                        request.release();
                        if (decided instanceof WebSocketEndpoint.Admission.Admitted admitted) {
                          endpoint.abandon(admitted);
                        }
                        return;
                      }
                      if (failure != null) {
                        log.error(
                            "WebSocket admission on {} failed: {}",
                            path,
                            failure.getClass().getName());
                        refuse(
                            ctx,
                            request,
                            HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "INTERNAL_ERROR",
                            "Error");
                      } else {
                        proceed(ctx, request, path, endpoint, decided);
                      }
                    }));
  }

  private void proceed(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      String path,
      WebSocketEndpoint endpoint,
      WebSocketEndpoint.Admission admission) {
    if (admission instanceof WebSocketEndpoint.Admission.Refused refused) {
      refuse(ctx, request, refused.status(), refused.code(), refused.message());
    } else if (admission instanceof WebSocketEndpoint.Admission.Admitted admitted) {
      AtomicInteger count = open.get(endpoint);
      count.incrementAndGet();
      ctx.channel().closeFuture().addListener(closed -> count.decrementAndGet());
      upgrade(ctx, request, path, endpoint.open(admitted));
    } else if (admission instanceof WebSocketEndpoint.Admission.Closed closed) {
      upgrade(ctx, request, path, new CloseOnHandshake(closed));
    }
  }

  private static boolean isUpgrade(FullHttpRequest request) {
    return request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /**
   * Turns this connection into a plain WebSocket: everything Socket.IO put in the pipeline leaves,
   * Netty's protocol handler and the endpoint's handler come in, and the request goes on to the
   * protocol handler, which answers it with the handshake.
   */
  private static void upgrade(
      ChannelHandlerContext ctx, FullHttpRequest request, String path, ChannelHandler handler) {
    ChannelPipeline pipeline = ctx.pipeline();
    for (Map.Entry<String, ChannelHandler> entry : pipeline.toMap().entrySet()) {
      if (entry.getValue() != ctx.handler() && !KEPT.contains(entry.getValue().getClass())) {
        pipeline.remove(entry.getKey());
      }
    }
    WebSocketServerProtocolConfig config =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(path)
            .checkStartsWith(true)
            .handleCloseFrames(true)
            .decoderConfig(
                WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                    .allowExtensions(false)
                    .build())
            .build();
    pipeline.addAfter(
        ctx.name(), "miaWebSocketProtocol", new WebSocketServerProtocolHandler(config));
    pipeline.addAfter(
        "miaWebSocketProtocol",
        "miaWebSocketMessages",
        new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
    pipeline.addAfter("miaWebSocketMessages", "miaWebSocketEndpoint", handler);
    // From here the request reaches the handshake handler the protocol handler put before itself.
    ctx.fireChannelRead(request);
    pipeline.remove(ctx.handler());
  }

  private static void refuse(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String code,
      String message) {
    request.release();
    byte[] body =
        ("{\"error\":\"" + message + "\",\"code\":\"" + code + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    log.debug("WebSocket upgrade refused: {}", code);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** Completes the handshake, then closes with the admission's code. */
  private static final class CloseOnHandshake extends ChannelInboundHandlerAdapter {
    private final WebSocketEndpoint.Admission.Closed closed;

    CloseOnHandshake(WebSocketEndpoint.Admission.Closed closed) {
      this.closed = closed;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
        ctx.writeAndFlush(new CloseWebSocketFrame(closed.closeCode(), closed.reason()))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      ctx.fireUserEventTriggered(event);
    }
  }
}
