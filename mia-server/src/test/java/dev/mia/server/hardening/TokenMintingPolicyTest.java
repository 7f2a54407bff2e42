package dev.mia.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mia.core.auth.TokenService;
import dev.mia.server.config.ServerConfig.Environment;
import dev.mia.server.testing.RunningServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may mint tokens at {@code POST /api/auth/token}: anyone in development; in production only
 * the operator with {@code MIA_ADMIN_KEY}, and nobody when no key is set.
 */
class TokenMintingPolicyTest {
  private static final String ADMIN_KEY = "operator-key-0123456789abcdef";

  private static RunningServer productionWithoutKey;
  private static RunningServer productionWithKey;
  private static RunningServer development;

  @BeforeAll
  static void start() {
    productionWithoutKey = RunningServer.start(c -> c.environment(Environment.PRODUCTION));
    productionWithKey =
        RunningServer.start(c -> c.environment(Environment.PRODUCTION).adminKey(ADMIN_KEY));
    development = RunningServer.start(c -> c.environment(Environment.DEVELOPMENT));
  }

  @AfterAll
  static void stop() {
    productionWithoutKey.closeInBackground();
    productionWithKey.closeInBackground();
    development.closeInBackground();
  }

  private static HttpResponse<String> mint(RunningServer server, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder()
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"someone-else\"}"));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return server.send(request, "/api/auth/token");
  }

  @Test
  void productionWithoutAnAdminKeyHasNoTokenEndpoint() {
    HttpResponse<String> response = mint(productionWithoutKey);

    assertEquals(404, response.statusCode());
    assertFalse(response.body().contains("token\":"), response.body());
  }

  @Test
  void productionWithoutAnAdminKeyIgnoresAnyBearer() {
    assertEquals(
        404, mint(productionWithoutKey, "Authorization", "Bearer " + ADMIN_KEY).statusCode());
  }

  @Test
  void productionRefusesAMintWithoutABearer() {
    HttpResponse<String> response = mint(productionWithKey);

    assertEquals(401, response.statusCode());
    assertEquals("AUTH_REQUIRED", new JSONObject(response.body()).getString("code"));
  }

  @Test
  void productionRefusesAMintWithTheWrongBearer() {
    assertEquals(
        401, mint(productionWithKey, "Authorization", "Bearer " + ADMIN_KEY + "x").statusCode());
    assertEquals(401, mint(productionWithKey, "Authorization", "Bearer wrong").statusCode());
    assertEquals(401, mint(productionWithKey, "Authorization", ADMIN_KEY).statusCode());
    assertEquals(401, mint(productionWithKey, "Authorization", "Basic " + ADMIN_KEY).statusCode());
  }

  @Test
  void productionMintsAVerifiableTokenForTheOperatorsBearer() {
    HttpResponse<String> response = mint(productionWithKey, "Authorization", "Bearer " + ADMIN_KEY);

    assertEquals(200, response.statusCode());
    String token = new JSONObject(response.body()).getString("token");
    assertEquals(
        Optional.of("someone-else"), new TokenService(RunningServer.JWT_SECRET).verify(token));
  }

  @Test
  void developmentMintsForAnyone() {
    HttpResponse<String> response = mint(development);

    assertEquals(200, response.statusCode());
    String token = new JSONObject(response.body()).getString("token");
    assertEquals(
        Optional.of("someone-else"), new TokenService(RunningServer.JWT_SECRET).verify(token));
  }
}
