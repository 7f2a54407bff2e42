package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.chunks;
import static dev.mia.server.hardening.Chat.entries;
import static dev.mia.server.hardening.Chat.history;
import static dev.mia.server.hardening.Chat.join;
import static dev.mia.server.hardening.Chat.names;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.hardening.Chat.withToken;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replies reach every connection of the user in the session, in order, one at a time, and are kept
 * when nobody is listening.
 */
class ReplyDeliveryTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(c -> c.maxQueuedMessages(1));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  private static String user(String name, Transport transport) {
    return server.token(name + "-" + transport);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aMessageBeyondTheQueueBoundIsBusyWhileTheOthersCompleteInOrder(Transport transport) {
    try (TestClient client = withToken(server, transport, user("queue", transport))) {
      String session = newSession(client);
      // The first reply streams slowly, so the next two arrive while it is running.
      for (String text : List.of("first [slow]", "second", "third")) {
        client.emit("message", json("sessionId", session, "message", text));
      }

      List<Event> events = new ArrayList<>(client.until("message_complete"));
      events.addAll(client.until("message_complete"));

      List<Event> errors = events.stream().filter(e -> e.name().equals("error")).toList();
      assertEquals(1, errors.size(), names(events).toString());
      assertEquals("BUSY", errors.get(0).json().getString("code"));
      String reply = server.fake().replyText();
      int firstComplete = names(events).indexOf("message_complete");
      assertEquals(reply, chunks(events.subList(0, firstComplete), session), "first reply alone");
      assertEquals(
          reply,
          chunks(events.subList(firstComplete + 1, events.size()), session),
          "second reply alone, after the first");
      assertEquals(
          List.of(
              "user: first [slow]", "assistant: " + reply, "user: second", "assistant: " + reply),
          entries(history(client, session)));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aReplyInterruptedByADisconnectIsStoredAndFoundAfterReconnecting(Transport transport)
      throws Exception {
    String token = user("reconnect", transport);
    String session;
    try (TestClient client = withToken(server, transport, token)) {
      session = newSession(client);
      client.emit("message", json("sessionId", session, "message", "are you there? [slow]"));
      client.await("message_chunk");
    }

    List<String> expected =
        List.of("user: are you there? [slow]", "assistant: " + server.fake().replyText());
    try (TestClient again = withToken(server, transport, token)) {
      // The reply finishes after the disconnect: re-join until it is stored, bounded.
      long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
      List<String> stored = entries(history(again, session));
      while (!stored.equals(expected) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        stored = entries(history(again, session));
      }
      assertEquals(expected, stored);
    }
  }

  @Test
  void aPollingClientThatFallsFarBehindLosesNoEvent() throws Exception {
    try (TestClient client = Chat.anonymous(server, Transport.POLLING)) {
      String session = newSession(client);
      // Hundreds of answers queue up for the long poll: more than one response can carry.
      List<CompletableFuture<Object>> acks = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        acks.add(client.emitWithAck("message", json("sessionId", session, "message", " ")));
      }

      for (CompletableFuture<Object> ack : acks) {
        JSONObject answer = (JSONObject) ack.get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("EMPTY_MESSAGE", answer.getString("code"));
      }
      for (int i = 0; i < 200; i++) {
        assertEquals("EMPTY_MESSAGE", client.await("error").getString("code"), "error " + i);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void twoConnectionsOfOneUserInOneSessionBothReceiveTheWholeReply(Transport transport) {
    String token = user("tabs", transport);
    try (TestClient tab1 = withToken(server, transport, token);
        TestClient tab2 = withToken(server, transport, token)) {
      String session = newSession(tab1);
      JSONObject joined = join(tab2, session);
      assertEquals(session, joined.getString("sessionId"));

      tab1.emit("message", json("sessionId", session, "message", "hello from tab one"));
      List<Event> seen1 = tab1.until("message_complete");
      List<Event> seen2 = tab2.until("message_complete");

      String reply = server.fake().replyText();
      assertEquals(reply, seen1.get(seen1.size() - 1).json().getString("message"));
      assertEquals(reply, seen2.get(seen2.size() - 1).json().getString("message"));
      assertEquals(reply, chunks(seen1, session));
      // The other tab sees the user's own message first, then the same reply.
      assertEquals("user_message", seen2.get(0).name());
      assertEquals(
          seen1.stream().map(e -> e.name() + e.payload()).toList(),
          seen2.subList(1, seen2.size()).stream().map(e -> e.name() + e.payload()).toList(),
          "the same chunks in the same order");
      assertTrue(seen1.stream().anyMatch(e -> e.name().equals("message_chunk")));
    }
  }
}
