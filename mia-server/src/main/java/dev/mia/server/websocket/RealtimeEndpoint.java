package dev.mia.server.websocket;

import dev.mia.core.auth.TokenService;
import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.ErrorCode;
import dev.mia.core.conversation.JoinResult;
import dev.mia.core.session.Session;
import dev.mia.server.config.RealtimeConfig;
import dev.mia.server.config.ServerConfig;
import dev.mia.server.follow.ConnectionCap;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Voice: seed 002's Realtime proxy on {@code /} (a WebSocket upgrade there; a plain {@code GET /}
 * still serves the page) and {@code /realtime}. Each connection gets a Mia session and its own
 * connection to the OpenAI Realtime API, and relays between them ({@link RealtimeRelay}): raw
 * {@code openai_event}s both ways, the legacy {@code text_message} and {@code audio_*} messages,
 * {@code ping}/{@code pong}, with Mia's safety in the loop. A client names itself with a token
 * ({@code ?token=} or {@code Authorization: Bearer}); without a valid one it is an anonymous demo
 * user, in development only: in production, or with {@code MIA_REQUIRE_AUTH}, the upgrade is
 * refused with 401. {@code ?sessionId=} resumes one of the user's own sessions. Connections count
 * under the user's connection cap.
 */
public final class RealtimeEndpoint implements WebSocketEndpoint {
  private final ConversationEngine engine;
  private final TokenService tokens;
  private final ConnectionCap cap;
  private final RealtimeConfig settings;
  private final Optional<String> apiKey;
  private final URI upstream;
  private final Optional<SslContext> tls;
  private final boolean demoAllowed;
  private final JsonText json;
  // Host-name lookups block, so they run here, never on an event loop; idle threads end.
  private final ThreadPoolExecutor lookups;

  /**
   * The endpoint for {@code engine}, identifying users with {@code tokens}, counting their
   * connections under {@code cap}, with the Realtime settings, API key, base URL and auth policy of
   * {@code config}.
   */
  public RealtimeEndpoint(
      ConversationEngine engine,
      TokenService tokens,
      ConnectionCap cap,
      ServerConfig config,
      Clock clock) {
    this.engine = engine;
    this.tokens = tokens;
    this.cap = cap;
    this.settings = config.realtime();
    this.apiKey = config.openAiApiKey();
    this.upstream = settings.endpoint(config.openAiBaseUrl());
    this.tls = "wss".equals(upstream.getScheme()) ? Optional.of(clientTls()) : Optional.empty();
    this.demoAllowed = !config.isProduction() && !config.requireAuth();
    this.json = new JsonText(clock);
    this.lookups =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("mia-realtime-lookup", true));
    lookups.allowCoreThreadTimeOut(true);
  }

  private static SslContext clientTls() {
    try {
      // Netty 4.1 checks no host name unless asked: the API key must go only to the API.
      return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS for the Realtime API", e);
    }
  }

  @Override
  public List<String> paths() {
    return List.of("/", "/realtime");
  }

  @Override
  public CompletionStage<Admission> admit(FullHttpRequest request) {
    Optional<String> user = Bearer.user(request, tokens);
    if (user.isEmpty() && !demoAllowed) {
      return CompletableFuture.completedFuture(
          new Admission.Refused(
              HttpResponseStatus.UNAUTHORIZED,
              ErrorCode.AUTH_REQUIRED.name(),
              "A valid token is required: ws://host/?token=<JWT>"));
    }
    String userId = user.orElseGet(engine::newAnonymousUserId);
    Optional<String> resume = queryParameter(request, "sessionId");
    return cap.tryOpen(userId)
        .thenCompose(
            place -> {
              if (place.isEmpty()) {
                return CompletableFuture.completedFuture(
                    new Admission.Refused(
                        HttpResponseStatus.TOO_MANY_REQUESTS,
                        ErrorCode.TOO_MANY_CONNECTIONS.name(),
                        "Too many connections for this user"));
              }
              return engine
                  .joinAsync(userId, resume)
                  .thenApply(
                      joined -> {
                        if (joined instanceof JoinResult.Refused refused) {
                          place.get().close();
                          ErrorCode code = refused.error().code();
                          return new Admission.Refused(
                              code == ErrorCode.INVALID_PAYLOAD
                                  ? HttpResponseStatus.BAD_REQUEST
                                  : HttpResponseStatus.SERVICE_UNAVAILABLE,
                              code.name(),
                              refused.error().message());
                        }
                        Session session = ((JoinResult.Joined) joined).session();
                        return new Admission.Admitted(
                            new RealtimeRelay.Caller(
                                userId, user.isPresent(), session, place.get()));
                      });
            });
  }

  private static Optional<String> queryParameter(FullHttpRequest request, String name) {
    List<String> values = new QueryStringDecoder(request.uri()).parameters().get(name);
    return values == null || values.isEmpty() || values.get(0).isBlank()
        ? Optional.empty()
        : Optional.of(values.get(0));
  }

  @Override
  public void abandon(Admission.Admitted admitted) {
    ((RealtimeRelay.Caller) admitted.state()).place().close();
  }

  @Override
  public ChannelHandler open(Admission.Admitted admitted) {
    return new RealtimeRelay(
        (RealtimeRelay.Caller) admitted.state(),
        new RealtimeRelay.Upstream(upstream, apiKey, tls, settings, lookups),
        engine.voice(),
        json);
  }
}
