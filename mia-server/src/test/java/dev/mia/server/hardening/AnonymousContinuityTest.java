package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.anonymous;
import static dev.mia.server.hardening.Chat.converse;
import static dev.mia.server.hardening.Chat.entries;
import static dev.mia.server.hardening.Chat.join;
import static dev.mia.server.hardening.Chat.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An anonymous user gets a resume token that carries it, and its sessions, over a reconnect. */
class AnonymousContinuityTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void resumeTokenOnANewConnectionGivesTheSameUserAndTheWholeSession(Transport transport) {
    JSONObject created;
    List<String> before;
    try (TestClient first = anonymous(server, transport)) {
      created = join(first, null);
      converse(first, created.getString("sessionId"), "remember me");
      before =
          entries(join(first, created.getString("sessionId")).getJSONArray("conversationHistory"));
    }
    assertTrue(created.has("resumeToken"), "an anonymous session_created carries a resumeToken");

    try (TestClient second = withToken(server, transport, created.getString("resumeToken"))) {
      JSONObject resumed = join(second, created.getString("sessionId"));

      assertEquals(created.getString("userId"), resumed.getString("userId"));
      assertEquals(created.getString("sessionId"), resumed.getString("sessionId"));
      assertEquals(before, entries(resumed.getJSONArray("conversationHistory")));
      assertEquals(2, before.size());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void resumeTokenWorksAsAnAuthorizationHeaderToo(Transport transport) {
    JSONObject created;
    try (TestClient first = anonymous(server, transport)) {
      created = join(first, null);
    }
    try (TestClient second =
        TestClient.connect(
                server.url(),
                transport,
                Optional.empty(),
                Map.of("Authorization", List.of("Bearer " + created.getString("resumeToken"))))
            .connected()) {
      JSONObject resumed = join(second, created.getString("sessionId"));

      assertEquals(created.getString("userId"), resumed.getString("userId"));
      assertEquals(created.getString("sessionId"), resumed.getString("sessionId"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aNewConnectionWithoutTheResumeTokenIsSomeoneElse(Transport transport) {
    JSONObject created;
    try (TestClient first = anonymous(server, transport)) {
      created = join(first, null);
      converse(first, created.getString("sessionId"), "remember me");
    }
    try (TestClient stranger = anonymous(server, transport)) {
      JSONObject joined = join(stranger, created.getString("sessionId"));

      assertNotEquals(created.getString("userId"), joined.getString("userId"));
      assertNotEquals(created.getString("sessionId"), joined.getString("sessionId"));
      assertEquals(0, joined.getJSONArray("conversationHistory").length());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aUserWithAMintedTokenGetsNoResumeToken(Transport transport) {
    try (TestClient client = withToken(server, transport, server.token("named-user"))) {
      assertFalse(join(client, null).has("resumeToken"));
    }
  }
}
