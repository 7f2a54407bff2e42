package dev.mia.server.http;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.config.RedisAddress;
import dev.mia.server.store.JdbcSessionStore;
import dev.mia.server.store.JdbcStoreConfig;
import dev.mia.server.store.TestDatabases.PostgresSchema;
import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TcpProxy;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /ready} on a real server: ready when it is, and 503 naming the check that fails while
 * it drains, while its PostgreSQL store is out of reach, and while its cluster's Redis is; ready
 * again once they are back. The database and Redis are the real test servers, reached through a
 * {@link TcpProxy} that can be cut.
 */
class ReadyEndpointTest {
  // How long the server may take to notice a change: its checks run at most once a second and
  // each has two seconds; reconnecting to a server that is back takes its client a few more.
  private static final Duration NOTICE = Duration.ofSeconds(20);
  private static final Pattern POSTGRES_HOST =
      Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/");

  private static RunningServer plain;

  @BeforeAll
  static void startPlainServer() {
    plain = RunningServer.start();
  }

  @AfterAll
  static void stopPlainServer() {
    plain.closeInBackground();
  }

  @Test
  void aServerWithEverythingAtHandIsReadyAndItsHealthIsUnchanged() {
    HttpResponse<String> ready = get(plain, "/ready");

    assertEquals(200, ready.statusCode(), ready.body());
    JSONObject body = new JSONObject(ready.body());
    assertEquals("ready", body.getString("status"));
    assertEquals(
        new JSONObject().put("shutdown", "ok").put("store", "ok").toMap(),
        body.getJSONObject("checks").toMap());
    assertFalse(body.has("failing"));
    assertEquals(
        "application/json; charset=utf-8", ready.headers().firstValue("content-type").get());

    JSONObject health = new JSONObject(get(plain, "/health").body());
    assertEquals(List.of("status", "timestamp", "uptime"), sorted(health.keySet()));
    assertEquals("ok", health.getString("status"));
    assertTrue(metric(plain).contains("mia_ready 1.0"), "the metrics say so too");
  }

  @Test
  void readyTakesOnlyGetAndHead() {
    HttpResponse<String> post =
        plain.send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.noBody()), "/ready");
    HttpResponse<String> head =
        plain.send(
            HttpRequest.newBuilder().method("HEAD", HttpRequest.BodyPublishers.noBody()), "/ready");

    assertEquals(405, post.statusCode());
    assertEquals("GET", post.headers().firstValue("allow").orElse(""));
    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
  }

  @Test
  void aDrainingServerAnswers503WhileItsLastReplyFinishes() throws Exception {
    RunningServer server = RunningServer.start(c -> c.shutdownGrace(Duration.ofSeconds(20)));
    Thread stopping = new Thread(server.server()::stop, "stop");
    try (KeptAlive probe = KeptAlive.to(server);
        TestClient client =
            TestClient.connect(server.url(), TestClient.Transport.WEBSOCKET).connected()) {
      assertEquals(200, probe.get("/ready").status());
      server.fake().tokenDelay(Duration.ofMillis(150));
      client.emit("join_session", json("sessionId", null));
      String sessionId = client.await("session_created").getString("sessionId");
      client.emit("message", json("sessionId", sessionId, "message", "hello"));
      client.await("message_chunk");

      stopping.start(); // what SIGTERM does: the listening socket closes, replies may finish
      KeptAlive.Response draining = await(() -> probe.get("/ready"), 503);

      JSONObject body = new JSONObject(draining.body());
      assertEquals("not_ready", body.getString("status"));
      assertEquals(List.of("shutdown"), body.getJSONArray("failing").toList());
      assertTrue(
          body.getJSONObject("checks").getString("shutdown").startsWith("draining"),
          draining.body());
      assertEquals("ok", body.getJSONObject("checks").getString("store"));
      assertEquals(
          server.fake().replyText(),
          client.await("message_complete").getString("message"),
          "the reply in flight still finishes");
    } finally {
      if (stopping.getState() == Thread.State.NEW) {
        server.close();
      } else {
        stopping.join(TimeUnit.SECONDS.toMillis(30));
        server.fake().close();
      }
    }
  }

  @Test
  void anUnreachablePostgresStoreMakesTheServerUnreadyUntilItIsBack() {
    try (PostgresSchema schema = PostgresSchema.create()) {
      Matcher where = POSTGRES_HOST.matcher(schema.url());
      assertTrue(where.find(), "a JDBC URL with a host: " + schema.config().safeUrl());
      int port = where.group(2) == null ? 5432 : Integer.parseInt(where.group(2));
      try (TcpProxy proxy = TcpProxy.to(where.group(1), port)) {
        String proxied = where.replaceFirst("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/");
        JdbcSessionStore store = JdbcSessionStore.open(JdbcStoreConfig.jdbc(proxied));
        try (RunningServer server = RunningServer.start(store, c -> c)) {
          assertEquals(200, get(server, "/ready").statusCode());

          proxy.cut();
          HttpResponse<String> down = await(() -> response(get(server, "/ready")), 503).raw();

          JSONObject body = new JSONObject(down.body());
          assertEquals("not_ready", body.getString("status"));
          assertEquals(List.of("store"), body.getJSONArray("failing").toList());
          String reason = body.getJSONObject("checks").getString("store");
          assertTrue(
              reason.startsWith("the database") || reason.startsWith("no answer within"), reason);
          assertFalse(reason.contains("password"), reason);
          assertEquals("ok", body.getJSONObject("checks").getString("shutdown"));
          assertTrue(metric(server).contains("mia_ready 0.0"), "the metrics say so too");
          assertEquals(200, get(server, "/health").statusCode(), "health is about the process");

          proxy.restore();
          await(() -> response(get(server, "/ready")), 200);
        } finally {
          store.close();
        }
      }
    }
  }

  @Test
  void anUnreachableRedisMakesAClusteredServerUnreadyUntilItIsBack() {
    RedisAddress redis = TestRedis.address();
    try (TcpProxy proxy = TcpProxy.to(redis.host(), redis.port());
        RunningServer server =
            RunningServer.start(
                c ->
                    c.redis(
                            Optional.of(
                                new RedisAddress(
                                    redis.tls(),
                                    "127.0.0.1",
                                    proxy.port(),
                                    redis.username(),
                                    redis.password(),
                                    redis.database())))
                        .redisKeyPrefix(TestRedis.newKeyPrefix()))) {
      JSONObject ready = new JSONObject(get(server, "/ready").body());
      assertEquals("ok", ready.getJSONObject("checks").getString("redis"), ready.toString());

      proxy.cut();
      JSONObject body = new JSONObject(await(() -> response(get(server, "/ready")), 503).body());

      assertEquals(List.of("redis"), body.getJSONArray("failing").toList());
      assertTrue(
          body.getJSONObject("checks").getString("redis").startsWith("Redis did not answer PING")
              || body.getJSONObject("checks").getString("redis").startsWith("no answer within"),
          body.toString());
      assertEquals("ok", body.getJSONObject("checks").getString("store"));

      proxy.restore();
      await(() -> response(get(server, "/ready")), 200);
    }
  }

  private static HttpResponse<String> get(RunningServer server, String path) {
    return server.send(HttpRequest.newBuilder().GET(), path);
  }

  private static String metric(RunningServer server) {
    return get(server, "/metrics").body();
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }

  private static KeptAlive.Response response(HttpResponse<String> r) {
    return new KeptAlive.Response(r.statusCode(), r.body(), r);
  }

  /**
   * Probes until the answer has {@code status}, as a load balancer would: every 50 ms, since the
   * server reuses its checks' result for a second; {@return that answer}
   */
  private static KeptAlive.Response await(Supplier<KeptAlive.Response> probe, int status) {
    long deadline = System.nanoTime() + NOTICE.toNanos();
    KeptAlive.Response last = probe.get();
    while (last.status() != status) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + status + " within " + NOTICE + "; last: " + last);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      last = probe.get();
    }
    return last;
  }

  /**
   * One HTTP/1.1 connection kept open across requests, as a load balancer keeps its probe's: it
   * still reaches a server whose listening socket has closed.
   */
  private static final class KeptAlive implements AutoCloseable {
    record Response(int status, String body, HttpResponse<String> raw) {
      @Override
      public String toString() {
        return status + " " + body;
      }
    }

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private KeptAlive(Socket socket) throws IOException {
      this.socket = socket;
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      this.out = socket.getOutputStream();
    }

    static KeptAlive to(RunningServer server) throws IOException {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.server().port());
      socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
      return new KeptAlive(socket);
    }

    Response get(String path) {
      try {
        out.write(
            ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String statusLine = in.readLine();
        if (statusLine == null) {
          throw new AssertionError("the server closed the kept-alive connection");
        }
        int length = 0;
        for (String header = in.readLine(); !header.isEmpty(); header = in.readLine()) {
          if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(header.substring("content-length:".length()).trim());
          }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
          int n = in.read(body, read, length - read);
          if (n < 0) {
            throw new AssertionError("the body ended early");
          }
          read += n;
        }
        // ISO-8859-1 kept each byte as one char: decode the JSON body as the UTF-8 it is.
        byte[] bytes = new String(body).getBytes(StandardCharsets.ISO_8859_1);
        return new Response(
            Integer.parseInt(statusLine.split(" ")[1]),
            new String(bytes, StandardCharsets.UTF_8),
            null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
