package dev.mia.server.socketio;

import static dev.mia.server.hardening.Chat.join;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.withToken;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.session.Feedback;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.session.ProgressMarker;
import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Socket.IO additions for guided exercises, progress, feedback and typing: new events with
 * acknowledgements and new fields, none of which changes what an old client sees.
 */
class ExercisesAndFeedbackTest {
  private static final InMemorySessionStore store = new InMemorySessionStore();
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(store, c -> c);
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  private static TestClient client(String userId, Transport transport) {
    return withToken(server, transport, server.token(userId));
  }

  private static JSONObject ack(TestClient client, String event, Object payload) {
    try {
      return (JSONObject)
          client.emitWithAck(event, payload).get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no acknowledgement of " + event, e);
    }
  }

  private static void assertRefused(JSONObject ack, String code) {
    assertFalse(ack.getBoolean("ok"), ack.toString());
    assertEquals(code, ack.getString("code"));
    assertFalse(ack.getString("message").isBlank(), ack.toString());
  }

  private static List<String> names(List<Event> events) {
    return events.stream().map(Event::name).toList();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anAnxiousMessagesReplyOffersExercisesBesideItsIntentAndRiskLevel(Transport transport) {
    try (TestClient client = client("anxious-sio", transport)) {
      String session = newSession(client);
      client.emit("message", json("sessionId", session, "message", "I'm having a panic attack"));

      JSONObject complete = client.await("message_complete");

      assertEquals(server.fake().replyText(), complete.getString("message"));
      assertEquals("none", complete.getString("riskLevel"));
      assertFalse(complete.getString("intent").isBlank());
      JSONObject first = complete.getJSONArray("exercises").getJSONObject(0);
      assertEquals("ex_breathing", first.getString("id"));
      assertFalse(first.getString("label").isBlank());
    }
  }

  @Test
  void aReplyWithNothingToOfferHasNoExercisesField() {
    try (TestClient client = client("calm-sio", Transport.WEBSOCKET)) {
      String session = newSession(client);
      client.emit("message", json("sessionId", session, "message", "Hello Mia"));

      assertFalse(client.await("message_complete").has("exercises"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anExercisesButtonsGiveItsStepsThenRecordProgress(Transport transport) {
    try (TestClient client = client("exercise-sio-" + transport, transport)) {
      String session = newSession(client);

      JSONObject started =
          ack(client, "interaction", json("sessionId", session, "id", "ex_grounding"));
      JSONObject exercise = started.getJSONObject("exercise");
      JSONObject finished =
          ack(client, "interaction", json("sessionId", session, "id", exercise.get("completeId")));

      assertTrue(started.getBoolean("ok"));
      assertEquals("instruction", started.getString("kind"));
      assertEquals("ex_grounding", exercise.getString("id"));
      assertEquals("ex_grounding_complete", exercise.getString("completeId"));
      assertTrue(exercise.getString("instruction").contains("five things"));
      assertTrue(finished.getBoolean("ok"), finished.toString());
      assertEquals("progress", finished.getString("kind"));
      assertEquals(session, finished.getString("sessionId"));
      JSONObject progress = finished.getJSONObject("progress");
      assertEquals("SKILL_ACQUIRED", progress.getString("markerType"));
      List<ProgressMarker> stored = store.progress(session).toCompletableFuture().join();
      assertEquals(1, stored.size());
      assertEquals(progress.getString("markerId"), stored.get(0).markerId());
      assertEquals(progress.getLong("achievedAt"), stored.get(0).achievedAt());
    }
  }

  @Test
  void completingInAnotherUsersSessionIsRefusedAsNotFoundWithNothingStored() {
    try (TestClient owner = client("owner-sio", Transport.WEBSOCKET);
        TestClient other = client("other-sio", Transport.WEBSOCKET)) {
      String session = newSession(owner);

      JSONObject refused =
          ack(other, "interaction", json("sessionId", session, "id", "ex_breathing_complete"));

      assertRefused(refused, "SESSION_NOT_FOUND");
      assertEquals("SESSION_NOT_FOUND", other.await("error").getString("code"));
      assertEquals(List.of(), store.progress(session).toCompletableFuture().join());
    }
  }

  @Test
  void badInteractionsAreRefusedAndTheConnectionStaysUsable() {
    try (TestClient client = client("clumsy-sio", Transport.WEBSOCKET)) {
      String session = newSession(client);

      assertRefused(ack(client, "interaction", "ex_breathing"), "INVALID_PAYLOAD");
      assertRefused(ack(client, "interaction", json("sessionId", session)), "INVALID_PAYLOAD");
      assertRefused(
          ack(client, "interaction", json("sessionId", session, "id", "ex_juggling")),
          "INVALID_PAYLOAD");
      assertRefused(
          ack(client, "interaction", json("id", "ex_breathing_complete")), "INVALID_PAYLOAD");
      assertRefused(
          ack(client, "interaction", json("sessionId", 7, "id", "ex_breathing")),
          "INVALID_PAYLOAD");

      assertTrue(ack(client, "join_session", json("sessionId", session)).getBoolean("ok"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void feedbackIsCheckedThenKeptWithTheSession(Transport transport) {
    try (TestClient client = client("feedback-sio-" + transport, transport)) {
      String session = newSession(client);

      assertRefused(
          ack(client, "feedback", json("sessionId", session, "rating", 6)), "INVALID_PAYLOAD");
      assertRefused(
          ack(client, "feedback", json("sessionId", session, "rating", "5")), "INVALID_PAYLOAD");
      assertRefused(
          ack(client, "feedback", json("sessionId", session, "rating", 5, "text", List.of())),
          "INVALID_PAYLOAD");
      assertRefused(ack(client, "feedback", json("rating", 5)), "INVALID_PAYLOAD");
      assertRefused(
          ack(client, "feedback", json("sessionId", "session_unknown", "rating", 5)),
          "SESSION_NOT_FOUND");
      assertEquals(List.of(), store.feedback(session).toCompletableFuture().join());

      JSONObject kept =
          ack(client, "feedback", json("sessionId", session, "rating", 5, "text", "Thank you"));

      assertTrue(kept.getBoolean("ok"), kept.toString());
      assertEquals(session, kept.getString("sessionId"));
      assertEquals(5, kept.getInt("rating"));
      List<Feedback> stored = store.feedback(session).toCompletableFuture().join();
      assertEquals(1, stored.size());
      assertEquals(Optional.of("Thank you"), stored.get(0).text());
    }
  }

  @Test
  void typingEventsGoOnlyToConnectionsThatAskedAndFrameEachReply() {
    String userId = "typing-sio";
    try (TestClient asked = client(userId, Transport.WEBSOCKET);
        TestClient silent = client(userId, Transport.POLLING)) {
      asked.emit("join_session", json("sessionId", null, "typing", true));
      String session = asked.await("session_created").getString("sessionId");
      join(silent, session);

      asked.emit("message", json("sessionId", session, "message", "Hello"));
      List<Event> seen = asked.until("typing");
      JSONObject start = seen.get(seen.size() - 1).json();
      List<Event> reply = asked.until("message_complete");
      JSONObject stop = asked.await("typing");

      assertEquals(List.of("typing"), names(seen), "typing starts the reply");
      assertEquals(session, start.getString("sessionId"));
      assertEquals("start", start.getString("status"));
      assertTrue(names(reply).contains("message_chunk"));
      assertFalse(names(reply).contains("typing"));
      assertEquals("stop", stop.getString("status"));

      // The other connection got the reply and no typing; nor does it for the next one.
      asked.emit("message", json("sessionId", session, "message", "Again"));
      List<Event> other = silent.until("message_complete");
      other.addAll(silent.until("message_complete"));
      assertFalse(names(other).contains("typing"), names(other).toString());
      asked.until("message_complete");
      assertEquals("stop", asked.await("typing").getString("status"));

      // typing: false turns it off again.
      asked.emit("join_session", json("sessionId", session, "typing", false));
      asked.await("session_created");
      asked.emit("message", json("sessionId", session, "message", "Quiet now"));
      List<Event> quiet = asked.until("message_complete");
      asked.emit("message", json("sessionId", session, "message", "Still quiet"));
      quiet.addAll(asked.until("message_complete"));
      assertFalse(names(quiet).contains("typing"), names(quiet).toString());
    }
  }
}
