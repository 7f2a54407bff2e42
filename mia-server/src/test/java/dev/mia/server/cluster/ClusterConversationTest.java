package dev.mia.server.cluster;

import static dev.mia.server.hardening.Chat.join;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.withToken;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A user's tabs on two servers of a cluster see one conversation. */
class ClusterConversationTest {
  private static final Set<String> REPLY_EVENTS =
      Set.of("safety_alert", "message_chunk", "message_complete", "error");

  private static TwoServers servers;

  @BeforeAll
  static void start() {
    servers = TwoServers.start(c -> c);
  }

  @AfterAll
  static void stop() {
    if (servers != null) {
      servers.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aReplyReachesTheTabsOnBothServersAsTheSameEventsInTheSameOrder(Transport transport) {
    String token = servers.a().token("both-" + transport);
    try (TestClient onA = withToken(servers.a(), transport, token);
        TestClient onB = withToken(servers.b(), transport, token)) {
      String sessionId = newSession(onA);
      assertEquals(sessionId, join(onB, sessionId).getString("sessionId"), "B finds A's session");

      sendAndCompare(onA, onB, sessionId, "sent on A");
      sendAndCompare(onB, onA, sessionId, "and now on B");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSafetyAlertReachesTheTabOnTheOtherServer(Transport transport) {
    String token = servers.a().token("alert-" + transport);
    try (TestClient onA = withToken(servers.a(), transport, token);
        TestClient onB = withToken(servers.b(), transport, token)) {
      String sessionId = newSession(onA);
      join(onB, sessionId);

      List<Event> onSender = send(onA, sessionId, "I want to kill myself");
      List<Event> onOther = untilReplyAndEcho(onB);

      assertEquals("safety_alert", replyEvents(onSender).get(0).get(0));
      assertEquals(replyEvents(onSender), replyEvents(onOther));
    }
  }

  /**
   * Sends {@code text} from {@code sender}, and checks that {@code other} received the reply as the
   * same events in the same order, and the message itself as {@code user_message}.
   */
  private static void sendAndCompare(
      TestClient sender, TestClient other, String sessionId, String text) {
    List<Event> onSender = send(sender, sessionId, text);
    List<Event> onOther = untilReplyAndEcho(other);

    assertEquals("message_complete", onSender.get(onSender.size() - 1).name(), text);
    assertEquals(replyEvents(onSender), replyEvents(onOther), text);
    List<String> echoes =
        onOther.stream()
            .filter(e -> e.name().equals("user_message"))
            .map(e -> e.json().getString("message"))
            .toList();
    assertEquals(List.of(text), echoes);
    assertFalse(
        onSender.stream().anyMatch(e -> e.name().equals("user_message")),
        "the sending tab is not sent its own message");
  }

  private static List<Event> send(TestClient client, String sessionId, String text) {
    client.emit("message", json("sessionId", sessionId, "message", text));
    return client.until("message_complete", "error");
  }

  /** {@return the events up to the reply's end and the message's echo, whichever comes last} */
  private static List<Event> untilReplyAndEcho(TestClient client) {
    List<Event> events = new ArrayList<>(client.until("message_complete", "error"));
    if (events.stream().noneMatch(e -> e.name().equals("user_message"))) {
      events.addAll(client.until("user_message"));
    }
    return events;
  }

  /** {@return the reply's events, each as its name and payload} */
  private static List<List<Object>> replyEvents(List<Event> events) {
    return events.stream()
        .filter(e -> REPLY_EVENTS.contains(e.name()))
        .map(e -> List.<Object>of(e.name(), payload(e)))
        .toList();
  }

  private static Map<String, Object> payload(Event event) {
    return event.json().toMap();
  }
}
