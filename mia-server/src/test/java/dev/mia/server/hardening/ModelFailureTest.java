package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.anonymous;
import static dev.mia.server.hardening.Chat.converse;
import static dev.mia.server.hardening.Chat.entries;
import static dev.mia.server.hardening.Chat.history;
import static dev.mia.server.hardening.Chat.names;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.time.Duration;
import java.util.List;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When the model fails, times out or breaks off, the user hears so, keeps the message, can go on,
 * and a crisis still gets its help.
 */
class ModelFailureTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(c -> c.modelIdleTimeout(Duration.ofMillis(500)));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  private static JSONObject lastError(List<Event> events) {
    Event last = events.get(events.size() - 1);
    assertEquals("error", last.name(), names(events).toString());
    return last.json();
  }

  /** Sends {@code failing}; checks the error, the stored message and that the session goes on. */
  private static void assertFailsAndRecovers(Transport transport, String failing) {
    try (TestClient client = anonymous(server, transport)) {
      String session = newSession(client);

      JSONObject error = lastError(send(client, session, failing));

      assertEquals("MODEL_UNAVAILABLE", error.getString("code"));
      assertEquals(session, error.getString("sessionId"));
      assertEquals(List.of("user: " + failing), entries(history(client, session)));
      String reply = converse(client, session, "hello again");
      assertEquals(
          List.of("user: " + failing, "user: hello again", "assistant: " + reply),
          entries(history(client, session)));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aFailingModelGivesModelUnavailableKeepsTheMessageAndTheNextOneWorks(Transport transport) {
    assertFailsAndRecovers(transport, "hello [fail]");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSilentModelTimesOutWithModelUnavailable(Transport transport) {
    assertFailsAndRecovers(transport, "hello [hang]");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aStreamThatBreaksOffEndsWithModelUnavailableAndIsNotStored(Transport transport) {
    assertFailsAndRecovers(transport, "hello [drop]");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCrisisMessageGetsItsAlertWithResourcesBeforeTheModelError(Transport transport) {
    try (TestClient client = anonymous(server, transport)) {
      String session = newSession(client);

      List<Event> events = send(client, session, "I want to die [fail]");

      List<String> names = names(events);
      int alert = names.indexOf("safety_alert");
      assertTrue(alert >= 0 && alert < names.indexOf("error"), names.toString());
      JSONObject payload = events.get(alert).json();
      assertEquals(3, payload.getInt("tier"));
      assertEquals(session, payload.getString("sessionId"));
      String resources = payload.getJSONArray("resources").toString();
      assertTrue(resources.contains("988") && resources.contains("741741"), resources);
      assertEquals("MODEL_UNAVAILABLE", lastError(events).getString("code"));
      assertEquals(3, Chat.join(client, session).getInt("safetyTier"));
    }
  }
}
