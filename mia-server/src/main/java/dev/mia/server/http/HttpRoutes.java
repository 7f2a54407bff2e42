package dev.mia.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mia.core.auth.TokenService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain-HTTP side of the port: {@code GET /health}, {@code GET /ready} (200 when the server
 * should be sent work, 503 naming what fails: see {@link Readiness}), {@code POST /api/auth/token},
 * the test page at {@code /} with its {@code /favicon.ico}, the Socket.IO browser client at {@code
 * /socket.io/socket.io.js}, and the metrics at {@code /metrics}. Other {@code /socket.io/} requests
 * pass on to netty-socketio once their {@code Origin} is allowed, because a browser does not apply
 * CORS to WebSocket upgrades. Runs on the Netty event loop: every route is quick and never blocks;
 * {@code /ready} may answer later, when its checks do, and holds the connection's further requests
 * until then so that responses keep their order.
 */
@ChannelHandler.Sharable
public final class HttpRoutes extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpRoutes.class);
  private static final String SOCKET_IO_PREFIX = "/socket.io/";
  private static final int MAX_USER_ID_CHARS = 128;

  private final ObjectMapper json;
  private final OriginPolicy origins;
  private final TokenService tokens;
  private final TokenPolicy tokenPolicy;
  private final StaticFiles files;
  private final Clock clock;
  private final MetricsRoute metrics;
  private final Readiness readiness;
  private final long startedNanos = System.nanoTime();

  /**
   * Routes for a server that allows the browser origins {@code allowedOrigins} (besides its own),
   * mints tokens with {@code tokens} as {@code tokenPolicy} permits, tells time by {@code clock},
   * serves {@code metrics} and reports {@code readiness}.
   */
  public HttpRoutes(
      List<String> allowedOrigins,
      TokenService tokens,
      TokenPolicy tokenPolicy,
      Clock clock,
      MetricsRoute metrics,
      Readiness readiness) {
    this.metrics = metrics;
    this.readiness = readiness;
    this.json = new ObjectMapper();
    this.origins = new OriginPolicy(allowedOrigins);
    this.tokens = tokens;
    this.tokenPolicy = tokenPolicy;
    this.files = StaticFiles.fromClasspath();
    this.clock = clock;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    Optional<String> origin = Optional.ofNullable(request.headers().get(HttpHeaderNames.ORIGIN));
    Optional<String> host = Optional.ofNullable(request.headers().get(HttpHeaderNames.HOST));
    boolean originAllowed = origins.permits(origin, host);
    if (path.startsWith(SOCKET_IO_PREFIX) && !isClientScript(path)) {
      if (!originAllowed) {
        log.debug("refused a Socket.IO request from a disallowed origin");
        try {
          send(
              ctx,
              request,
              status(HttpResponseStatus.FORBIDDEN, "ORIGIN_NOT_ALLOWED", "Origin not allowed"),
              Optional.empty());
        } finally {
          request.release();
        }
        return;
      }
      ctx.fireChannelRead(msg);
      return;
    }
    Optional<String> cors = originAllowed ? origin : Optional.empty();
    if (path.equals("/ready") && isRead(request.method())) {
      try {
        ready(ctx, request.method().equals(HttpMethod.HEAD), HttpUtil.isKeepAlive(request), cors);
      } finally {
        request.release();
      }
      return;
    }
    try {
      FullHttpResponse response = route(request, path, origin, originAllowed);
      send(ctx, request, response, cors);
    } finally {
      request.release();
    }
  }

  private void ready(
      ChannelHandlerContext ctx, boolean head, boolean keepAlive, Optional<String> cors) {
    CompletableFuture<Readiness.Report> report = readiness.report().toCompletableFuture();
    if (report.isDone()) {
      send(ctx, head, keepAlive, readyResponse(report), cors);
      return;
    }
    // Nothing more is read from this connection until the answer is out: a pipelined request's
    // response must not overtake it.
    ctx.channel().config().setAutoRead(false);
    report.whenComplete(
        (r, failure) ->
            ctx.executor()
                .execute(
                    () -> {
                      send(ctx, head, keepAlive, readyResponse(report), cors);
                      ctx.channel().config().setAutoRead(true);
                    }));
  }

  private FullHttpResponse readyResponse(CompletableFuture<Readiness.Report> done) {
    Readiness.Report report;
    try {
      report = done.join();
    } catch (RuntimeException e) {
      // Readiness never fails its stage; were it to, the server is not fit for work.
      report = new Readiness.Report(Map.of("readiness", "check failed"));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.ready() ? "ready" : "not_ready");
    if (!report.ready()) {
      body.put("failing", report.failing());
    }
    body.put("checks", report.checks());
    return jsonResponse(
        report.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
  }

  private FullHttpResponse route(
      FullHttpRequest request, String path, Optional<String> origin, boolean originAllowed) {
    HttpMethod method = request.method();
    if (method.equals(HttpMethod.OPTIONS)) {
      return preflight(origin, originAllowed);
    }
    return switch (path) {
      case "/health" -> isRead(method) ? health() : notAllowed("GET");
      case "/metrics" -> isRead(method) ? metrics(request) : notAllowed("GET");
      case "/ready" -> notAllowed("GET");
      case "/api/auth/token" ->
          method.equals(HttpMethod.POST) ? token(request) : notAllowed("POST");
      case "/", "/test-chat.html" ->
          isRead(method)
              ? bytes(files.testChatPage(), "text/html; charset=utf-8")
              : notAllowed("GET");
      case "/favicon.ico" ->
          isRead(method) ? bytes(files.favicon(), "image/x-icon") : notAllowed("GET");
      default ->
          isClientScript(path)
              ? clientScript()
              : status(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "Not found");
    };
  }

  private static boolean isRead(HttpMethod method) {
    return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
  }

  private static boolean isClientScript(String path) {
    return path.equals("/socket.io/socket.io.js") || path.equals("/socket.io/socket.io.min.js");
  }

  private FullHttpResponse clientScript() {
    return files
        .socketIoClient()
        .map(b -> bytes(b, "application/javascript; charset=utf-8"))
        .orElseGet(
            () ->
                status(
                    HttpResponseStatus.NOT_FOUND,
                    "NOT_FOUND",
                    "The Socket.IO browser client was not packaged with this build"));
  }

  private FullHttpResponse health() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "ok");
    body.put("timestamp", Instant.now(clock).toString());
    body.put("uptime", (System.nanoTime() - startedNanos) / 1e9);
    return jsonResponse(HttpResponseStatus.OK, body);
  }

  private FullHttpResponse metrics(FullHttpRequest request) {
    if (metrics.token().isPresent() && !presentsKey(request, metrics.token().get())) {
      return status(
          HttpResponseStatus.UNAUTHORIZED,
          "AUTH_REQUIRED",
          "The metrics token is required: Authorization: Bearer <MIA_METRICS_TOKEN>");
    }
    return bytes(
        HttpResponseStatus.OK,
        metrics.scrape().get().getBytes(StandardCharsets.UTF_8),
        "text/plain; version=0.0.4; charset=utf-8");
  }

  private FullHttpResponse token(FullHttpRequest request) {
    if (tokenPolicy instanceof TokenPolicy.Disabled) {
      return status(
          HttpResponseStatus.NOT_FOUND,
          "TOKEN_ENDPOINT_DISABLED",
          "Token minting is off in production; set MIA_ADMIN_KEY to enable it for operators");
    }
    if (tokenPolicy instanceof TokenPolicy.OperatorKey operator
        && !presentsKey(request, operator.key())) {
      return status(
          HttpResponseStatus.UNAUTHORIZED,
          "AUTH_REQUIRED",
          "The operator key is required: Authorization: Bearer <MIA_ADMIN_KEY>");
    }
    JsonNode body;
    try {
      body = json.readTree(request.content().toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return status(
          HttpResponseStatus.BAD_REQUEST,
          "INVALID_PAYLOAD",
          "The body must be JSON: {\"userId\":\"...\"}");
    }
    JsonNode userId = body == null ? null : body.get("userId");
    if (userId == null || !userId.isTextual()) {
      return status(
          HttpResponseStatus.BAD_REQUEST,
          "INVALID_PAYLOAD",
          "userId is required and must be a string");
    }
    String id = userId.asText();
    if (id.isBlank()
        || id.length() > MAX_USER_ID_CHARS
        || id.chars().anyMatch(Character::isISOControl)) {
      return status(
          HttpResponseStatus.BAD_REQUEST,
          "INVALID_PAYLOAD",
          "userId must be 1 to " + MAX_USER_ID_CHARS + " characters without control characters");
    }
    log.info("token issued for a user id of {} chars", id.length());
    return jsonResponse(HttpResponseStatus.OK, Map.of("token", tokens.issue(id)));
  }

  private static boolean presentsKey(FullHttpRequest request, String key) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, key.getBytes(StandardCharsets.UTF_8));
  }

  private FullHttpResponse preflight(Optional<String> origin, boolean allowed) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            allowed ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.FORBIDDEN,
            Unpooled.EMPTY_BUFFER);
    if (allowed && origin.isPresent()) {
      response
          .headers()
          .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET,HEAD,POST,OPTIONS")
          .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type,Authorization")
          .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
    }
    return response;
  }

  private FullHttpResponse notAllowed(String allow) {
    FullHttpResponse response =
        status(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "Method not allowed");
    response.headers().set(HttpHeaderNames.ALLOW, allow);
    return response;
  }

  private FullHttpResponse status(HttpResponseStatus status, String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("code", code);
    return jsonResponse(status, body);
  }

  private FullHttpResponse jsonResponse(HttpResponseStatus status, Object body) {
    try {
      return bytes(status, json.writeValueAsBytes(body), "application/json; charset=utf-8");
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static FullHttpResponse bytes(byte[] content, String type) {
    return bytes(HttpResponseStatus.OK, content, type);
  }

  private static FullHttpResponse bytes(HttpResponseStatus status, byte[] content, String type) {
    ByteBuf body = Unpooled.wrappedBuffer(content);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().set("X-Content-Type-Options", "nosniff");
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  private static void send(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      FullHttpResponse response,
      Optional<String> corsOrigin) {
    send(
        ctx,
        request.method().equals(HttpMethod.HEAD),
        HttpUtil.isKeepAlive(request),
        response,
        corsOrigin);
  }

  private static void send(
      ChannelHandlerContext ctx,
      boolean head,
      boolean keepAlive,
      FullHttpResponse response,
      Optional<String> corsOrigin) {
    corsOrigin.ifPresent(
        o ->
            response
                .headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, o)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN));
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (head) {
      response.content().clear();
    }
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
