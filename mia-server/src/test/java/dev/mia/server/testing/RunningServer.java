package dev.mia.server.testing;

import dev.mia.core.session.SessionStore;
import dev.mia.core.testing.FakeOpenAi;
import dev.mia.server.MiaServer;
import dev.mia.server.config.ServerConfig;
import dev.mia.server.config.ServerConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A real Mia server on a free loopback port, talking to a local {@link FakeOpenAi}, for integration
 * tests. Close it after the test.
 */
public final class RunningServer implements AutoCloseable {
  /** A JWT secret long enough for HS256, for tests only. */
  public static final String JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-signing";

  private final FakeOpenAi fake;
  private final MiaServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningServer(FakeOpenAi fake, MiaServer server) {
    this.fake = fake;
    this.server = server;
  }

  /** {@return a started server with the test defaults} */
  public static RunningServer start() {
    return start(UnaryOperator.identity());
  }

  /** {@return a started server whose configuration {@code customize} may change} */
  public static RunningServer start(UnaryOperator<ServerConfigBuilder> customize) {
    return start(Optional.empty(), customize);
  }

  /**
   * {@return a started server keeping its sessions in {@code sessionStore}, whose configuration
   * {@code customize} may change} Two such servers on one store and one Redis are a cluster.
   */
  public static RunningServer start(
      SessionStore sessionStore, UnaryOperator<ServerConfigBuilder> customize) {
    return start(Optional.of(sessionStore), customize);
  }

  private static RunningServer start(
      Optional<SessionStore> sessionStore, UnaryOperator<ServerConfigBuilder> customize) {
    FakeOpenAi fake = FakeOpenAi.start();
    ServerConfigBuilder config =
        ServerConfig.builder()
            .environment(ServerConfig.Environment.TEST)
            .host("127.0.0.1")
            .port(0)
            .openAiApiKey("test-key")
            .openAiBaseUrl(fake.baseUrl())
            .openAiMaxRetries(0)
            .jwtSecret(JWT_SECRET)
            .allowedOrigins(List.of("http://allowed.example"))
            .shutdownGrace(Duration.ofSeconds(2))
            .store(ServerConfig.Store.MEMORY)
            // The safety model takes a second and ~190 MB to load; the tests about it turn it on.
            .safetyModel(false);
    MiaServer server;
    try {
      ServerConfig built = customize.apply(config).build();
      server =
          sessionStore.isPresent()
              ? new MiaServer(built, sessionStore.get())
              : new MiaServer(built);
    } catch (RuntimeException e) {
      fake.close();
      throw e;
    }
    server.start();
    return new RunningServer(fake, server);
  }

  /** {@return the base URL, e.g. {@code http://127.0.0.1:41234}} */
  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** {@return the fake model endpoint behind the server} */
  public FakeOpenAi fake() {
    return fake;
  }

  /** {@return the server itself} */
  public MiaServer server() {
    return server;
  }

  /** {@return a response to {@code request} sent to this server, {@code path} relative} */
  public HttpResponse<String> send(HttpRequest.Builder request, String path) {
    try {
      return http.send(
          request.uri(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@return the response to {@code request} to come, {@code path} relative} For requests the
   * server answers later, such as a long-poll; they time out after 30 seconds.
   */
  public CompletableFuture<HttpResponse<String>> sendAsync(
      HttpRequest.Builder request, String path) {
    return http.sendAsync(
        request.uri(URI.create(url() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@return a token for {@code userId} from {@code POST /api/auth/token}} */
  public String token(String userId) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder()
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}")),
            "/api/auth/token");
    if (response.statusCode() != 200) {
      throw new IllegalStateException("token endpoint answered " + response.statusCode());
    }
    return new org.json.JSONObject(response.body()).getString("token");
  }

  /**
   * Closes on a daemon thread and returns at once. netty-socketio's stop waits out two quiet
   * periods of 2 s each, which the next test class need not wait for; the listening socket and
   * every connection are closed at the start of that wait.
   */
  public void closeInBackground() {
    Thread closer = new Thread(this::close, "close-" + url());
    closer.setDaemon(true);
    closer.start();
  }

  @Override
  public void close() {
    server.close();
    fake.close();
  }
}
