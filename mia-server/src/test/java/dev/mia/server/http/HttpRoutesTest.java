package dev.mia.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.auth.TokenService;
import dev.mia.server.testing.RunningServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Optional;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** REST routes and CORS on the Socket.IO port. */
class HttpRoutesTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder().GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return server.send(request, path);
  }

  private static HttpResponse<String> postToken(String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder()
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return server.send(request, "/api/auth/token");
  }

  @Test
  void healthReportsStatusTimestampAndUptime() {
    HttpResponse<String> response = get("/health");

    assertEquals(200, response.statusCode());
    JSONObject body = new JSONObject(response.body());
    assertEquals("ok", body.getString("status"));
    Instant.parse(body.getString("timestamp"));
    assertTrue(body.get("uptime") instanceof Number);
    assertTrue(body.getDouble("uptime") >= 0);
  }

  @Test
  void tokenEndpointIssuesAJwtWhoseUserIdClaimRoundTrips() {
    HttpResponse<String> response = postToken("{\"userId\":\"user123\"}");

    assertEquals(200, response.statusCode());
    String token = new JSONObject(response.body()).getString("token");
    assertEquals(Optional.of("user123"), new TokenService(RunningServer.JWT_SECRET).verify(token));
  }

  @Test
  void tokenEndpointRefusesABodyWithoutUserId() {
    HttpResponse<String> response = postToken("{\"user\":\"x\"}");

    assertEquals(400, response.statusCode());
    assertEquals("INVALID_PAYLOAD", new JSONObject(response.body()).getString("code"));
  }

  @Test
  void tokenEndpointRefusesBodiesThatAreNotJson() {
    assertEquals(400, postToken("userId=x").statusCode());
  }

  @Test
  void allowedOriginIsEchoedOnRestResponses() {
    HttpResponse<String> response = get("/health", "Origin", "http://allowed.example");

    assertEquals(
        Optional.of("http://allowed.example"),
        response.headers().firstValue("Access-Control-Allow-Origin"));
  }

  @Test
  void disallowedOriginGetsNoCorsHeaders() {
    HttpResponse<String> response = get("/health", "Origin", "http://evil.example");

    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
  }

  @Test
  void preflightFromAnAllowedOriginListsMethodsAndHeaders() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder()
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://allowed.example")
                .header("Access-Control-Request-Method", "POST"),
            "/api/auth/token");

    assertEquals(204, response.statusCode());
    assertEquals(
        Optional.of("http://allowed.example"),
        response.headers().firstValue("Access-Control-Allow-Origin"));
    assertTrue(
        response.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
  }

  @Test
  void socketIoHandshakeFromAnAllowedOriginEchoesIt() {
    HttpResponse<String> response =
        get("/socket.io/?EIO=4&transport=polling", "Origin", "http://allowed.example");

    assertEquals(200, response.statusCode());
    assertEquals(
        Optional.of("http://allowed.example"),
        response.headers().firstValue("Access-Control-Allow-Origin"));
  }

  @Test
  void pollingResponsesAnnounceTheyCloseTheConnection() {
    HttpResponse<String> response = get("/socket.io/?EIO=4&transport=polling");

    assertEquals(200, response.statusCode());
    assertEquals(Optional.of("close"), response.headers().firstValue("Connection"));
  }

  @Test
  void restRequestsAfterPollingRequestsOnOneClientAllSucceed() {
    for (int i = 0; i < 50; i++) {
      assertEquals(200, get("/socket.io/?EIO=4&transport=polling").statusCode());
      assertEquals(400, postToken("{}").statusCode());
    }
  }

  @Test
  void socketIoHandshakeFromADisallowedOriginIsRefused() {
    HttpResponse<String> response =
        get("/socket.io/?EIO=4&transport=polling", "Origin", "http://evil.example");

    assertEquals(403, response.statusCode());
    assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
  }

  @Test
  void browserClientIsServedLikeNodeSocketIo() {
    HttpResponse<String> response = get("/socket.io/socket.io.js");

    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("javascript"));
    assertTrue(response.body().contains("Socket.IO"), "the official client bundle");
  }

  @Test
  void testPageIsServedAtTheRoot() {
    HttpResponse<String> response = get("/");

    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(response.body().contains("/socket.io/socket.io.js"));
  }

  @Test
  void unknownPathIsNotFound() {
    assertEquals(404, get("/nope").statusCode());
  }
}
