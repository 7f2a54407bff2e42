package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.anonymous;
import static dev.mia.server.hardening.Chat.converse;
import static dev.mia.server.hardening.Chat.entries;
import static dev.mia.server.hardening.Chat.history;
import static dev.mia.server.hardening.Chat.join;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.withToken;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Transport;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sessions belong to the user who made them: another user's id behaves exactly like an unknown one,
 * and ids cannot be guessed.
 */
class SessionOwnershipTest {
  /** A server-made id: the prefix and 22 URL-safe Base64 characters (128 random bits). */
  private static final Pattern SESSION_ID = Pattern.compile("session_[A-Za-z0-9_-]{22}");

  private static final Pattern ANONYMOUS_ID = Pattern.compile("anon_[A-Za-z0-9_-]{22}");

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
  void anotherUsersSessionIdOnJoinStartsAFreshEmptySessionUnderANewId(Transport transport) {
    try (TestClient owner = anonymous(server, transport);
        TestClient intruder = anonymous(server, transport)) {
      String owned = newSession(owner);
      converse(owner, owned, "something private");

      JSONObject joined = join(intruder, owned);

      assertNotEquals(owned, joined.getString("sessionId"));
      assertTrue(SESSION_ID.matcher(joined.getString("sessionId")).matches());
      assertEquals(0, joined.getJSONArray("conversationHistory").length());
      assertEquals("GREETING", joined.getString("mode"));
      assertEquals(1, joined.getInt("safetyTier"));
      assertTrue(joined.isNull("age"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void messageToAnotherUsersSessionIsRefusedAndLeavesTheOwnersHistoryUnchanged(
      Transport transport) {
    try (TestClient owner = anonymous(server, transport);
        TestClient intruder = anonymous(server, transport)) {
      String owned = newSession(owner);
      converse(owner, owned, "something private");
      List<String> before = entries(history(owner, owned));

      intruder.emit("message", json("sessionId", owned, "message", "let me in"));

      assertEquals("SESSION_NOT_FOUND", intruder.await("error").getString("code"));
      assertEquals(before, entries(history(owner, owned)));
      assertTrue(owner.drain().stream().noneMatch(e -> e.name().startsWith("message_")));
    }
  }

  @Test
  void messageToAForeignSessionGetsExactlyTheErrorOfAnUnknownOne() throws Exception {
    try (TestClient owner = anonymous(server, Transport.WEBSOCKET);
        TestClient intruder = anonymous(server, Transport.WEBSOCKET)) {
      String foreign = newSession(owner);
      String unknown = "session_AAAAAAAAAAAAAAAAAAAAAA";

      JSONObject foreignAck = ackFor(intruder, foreign);
      JSONObject foreignError = intruder.await("error");
      JSONObject unknownAck = ackFor(intruder, unknown);
      JSONObject unknownError = intruder.await("error");

      assertEquals("SESSION_NOT_FOUND", foreignError.getString("code"));
      assertEquals(masked(unknownError, unknown), masked(foreignError, foreign));
      assertEquals(masked(unknownAck, unknown), masked(foreignAck, foreign));
    }
  }

  @Test
  void joinWithAForeignIdLooksExactlyLikeJoinWithAnUnknownId() {
    try (TestClient owner = anonymous(server, Transport.WEBSOCKET);
        TestClient intruder = anonymous(server, Transport.WEBSOCKET)) {
      String foreign = newSession(owner);
      converse(owner, foreign, "hello");

      JSONObject viaForeign = join(intruder, foreign);
      JSONObject viaUnknown = join(intruder, "session_AAAAAAAAAAAAAAAAAAAAAA");

      assertEquals(shape(viaUnknown), shape(viaForeign));
    }
  }

  @Test
  void sessionIdsAreDistinctAndCarry22RandomUrlSafeCharacters() {
    Set<String> ids = new HashSet<>();
    try (TestClient client = anonymous(server, Transport.WEBSOCKET)) {
      for (int i = 0; i < 300; i++) {
        String id = newSession(client);
        assertTrue(SESSION_ID.matcher(id).matches(), id);
        ids.add(id);
      }
    }
    assertEquals(300, ids.size());
    assertTrue(randomPartsLookRandom(ids, "session_"));
  }

  @Test
  void anonymousUserIdsAreDistinctAndCarry22RandomUrlSafeCharacters() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      try (TestClient client = anonymous(server, Transport.WEBSOCKET)) {
        String id = join(client, null).getString("userId");
        assertTrue(ANONYMOUS_ID.matcher(id).matches(), id);
        ids.add(id);
      }
    }
    assertEquals(40, ids.size());
    assertTrue(randomPartsLookRandom(ids, "anon_"));
  }

  @Test
  void aTimestampStyleIdLikeTheOriginalsIsNeverAcceptedAsAJoinTarget() {
    String victim = "user-" + System.nanoTime();
    try (TestClient owner = withToken(server, Transport.WEBSOCKET, server.token(victim));
        TestClient intruder = anonymous(server, Transport.WEBSOCKET)) {
      long before = System.currentTimeMillis();
      String real = newSession(owner);
      long after = System.currentTimeMillis();
      converse(owner, real, "hello");
      // The original made ids as session_<userId>_<millis>: the owner's own attempt at one is
      // answered with a server-made id, so no session ever lives under a predictable name.
      String predictable = "session_" + victim + "_" + before;
      JSONObject ownAttempt = join(owner, predictable);
      assertNotEquals(predictable, ownAttempt.getString("sessionId"));
      assertTrue(SESSION_ID.matcher(ownAttempt.getString("sessionId")).matches());

      for (long millis = before - 20; millis <= after + 20; millis++) {
        String guess = "session_" + victim + "_" + millis;
        intruder.emit("join_session", json("sessionId", guess));
      }
      for (long millis = before - 20; millis <= after + 20; millis++) {
        JSONObject joined = intruder.await("session_created");
        assertTrue(SESSION_ID.matcher(joined.getString("sessionId")).matches());
        assertNotEquals(real, joined.getString("sessionId"));
        assertEquals(0, joined.getJSONArray("conversationHistory").length());
      }
    }
  }

  private static JSONObject ackFor(TestClient client, String sessionId) throws Exception {
    return (JSONObject)
        client
            .emitWithAck("message", json("sessionId", sessionId, "message", "let me in"))
            .get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** {@return the payload as a map, with the requested id replaced by a placeholder} */
  private static Map<String, Object> masked(JSONObject payload, String requestedId) {
    return new JSONObject(payload.toString().replace(requestedId, "<id>")).toMap();
  }

  /** {@return what a client can tell about a joined session, ids left out} */
  private static Map<String, Object> shape(JSONObject session) {
    JSONObject copy = new JSONObject(session.toString());
    copy.put("sessionId", SESSION_ID.matcher(copy.getString("sessionId")).matches());
    copy.remove("userId");
    copy.put("resumeToken", copy.has("resumeToken"));
    // The id the client asked for, echoed back: it says nothing the client did not know.
    copy.put("previousSessionId", copy.has("previousSessionId"));
    return copy.toMap();
  }

  /**
   * A cheap check that the ids are not sequential: across all random parts, every position uses
   * many different characters (a counter or a clock keeps most positions fixed).
   */
  private static boolean randomPartsLookRandom(Set<String> ids, String prefix) {
    for (int position = 0; position < 21; position++) {
      Set<Character> seen = new HashSet<>();
      for (String id : ids) {
        seen.add(id.charAt(prefix.length() + position));
      }
      if (seen.size() < 10) {
        return false;
      }
    }
    return true;
  }
}
