package dev.mia.server.hardening;

import static dev.mia.server.hardening.Chat.anonymous;
import static dev.mia.server.hardening.Chat.converse;
import static dev.mia.server.hardening.Chat.entries;
import static dev.mia.server.hardening.Chat.history;
import static dev.mia.server.hardening.Chat.newSession;
import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.TestClient.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of random requests over one connection, reproducible from a fixed seed, leave the
 * server answering, the connection usable, and other sessions untouched.
 */
class FuzzTest {
  private static final long SEED = 0x5EED_2024L;
  private static final int REQUESTS = 3000;

  /** Names socket.io-client-java would handle locally instead of sending. */
  private static final List<String> RESERVED =
      List.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener");

  private static final Set<String> OURS =
      Set.of("message", "join_session", "interaction", "feedback");

  private static final List<String> EVENT_NAMES =
      List.of(
          "error",
          "session_created",
          "message_chunk",
          "message_complete",
          "safety_alert",
          "Message",
          "message ",
          "JOIN_SESSION",
          "join",
          "ping",
          "typing",
          "progress",
          "");

  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start(c -> c.rateLimitBurst(1_000_000).rateLimitPerMinute(1_000_000));
  }

  @AfterAll
  static void stop() {
    server.closeInBackground();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  @Timeout(60)
  void randomRequestsLeaveTheServerAnsweringAndOtherSessionsIntact(Transport transport)
      throws Exception {
    try (TestClient victim = anonymous(server, transport);
        TestClient fuzzer = anonymous(server, transport)) {
      String victimSession = newSession(victim);
      converse(victim, victimSession, "the victim's own words");
      List<String> victimHistory = entries(history(victim, victimSession));
      String fuzzerSession = newSession(fuzzer);
      Random random = new Random(SEED + transport.ordinal());
      List<String> sessionIds = List.of(victimSession, fuzzerSession, "session_x", "");

      List<CompletableFuture<Object>> acks = new ArrayList<>();
      int requests = transport == Transport.WEBSOCKET ? REQUESTS : REQUESTS / 3;
      for (int i = 0; i < requests; i++) {
        String event = eventName(random);
        Object[] args = new Object[random.nextInt(10) == 0 ? random.nextInt(4) : 1];
        for (int a = 0; a < args.length; a++) {
          args[a] = payload(random, event, sessionIds);
        }
        if (args.length == 1 && isOurs(event) && random.nextBoolean()) {
          acks.add(fuzzer.emitWithAck(event, args[0]));
        } else {
          fuzzer.emit(event, args);
        }
      }

      // Every request that asked for an acknowledgement gets one, and so does a last join.
      for (CompletableFuture<Object> ack : acks) {
        Object answer = ack.get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(answer instanceof JSONObject a && a.has("ok"), String.valueOf(answer));
      }
      JSONObject last =
          (JSONObject)
              fuzzer
                  .emitWithAck("join_session", json("sessionId", null))
                  .get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(last.getBoolean("ok"), last.toString());
      assertTrue(fuzzer.isConnected());

      String fresh = last.getString("sessionId");
      fuzzer.emit("message", json("sessionId", fresh, "message", "hello after the storm"));
      assertReplyCompletes(fuzzer, fresh);
      try (TestClient newcomer = anonymous(server, transport)) {
        converse(newcomer, newSession(newcomer), "hello, newcomer here");
      }
      assertEquals(victimHistory, entries(history(victim, victimSession)));
      assertTrue(
          fuzzer.drain().stream().noneMatch(e -> e.payload().toString().contains(victimSession)),
          "nothing of the victim's session reached the fuzzer");
    }
  }

  /** Waits for the session's reply among other events; checks its chunks add up to it. */
  private static void assertReplyCompletes(TestClient client, String sessionId) {
    List<Event> seen = new ArrayList<>();
    while (true) {
      List<Event> events = client.until("message_complete");
      seen.addAll(events);
      Event complete = events.get(events.size() - 1);
      if (complete.json().getString("sessionId").equals(sessionId)) {
        assertEquals(server.fake().replyText(), complete.json().getString("message"));
        assertEquals(complete.json().getString("message"), Chat.chunks(seen, sessionId));
        return;
      }
    }
  }

  private static boolean isOurs(String event) {
    return OURS.contains(event);
  }

  private static String eventName(Random random) {
    int pick = random.nextInt(100);
    if (pick < 45) {
      return "message";
    }
    if (pick < 70) {
      return "join_session";
    }
    if (pick < 80) {
      return random.nextBoolean() ? "interaction" : "feedback";
    }
    if (pick < 90) {
      return EVENT_NAMES.get(random.nextInt(EVENT_NAMES.size()));
    }
    String name = text(random, 1 + random.nextInt(20));
    return RESERVED.contains(name) ? "x" + name : name;
  }

  private static Object payload(Random random, String event, List<String> sessionIds) {
    if (random.nextInt(10) < 4) {
      return value(random, 0);
    }
    JSONObject object = new JSONObject();
    if (random.nextInt(10) < 8) {
      object.put(
          "sessionId",
          random.nextInt(10) < 6
              ? sessionIds.get(random.nextInt(sessionIds.size()))
              : value(random, 2));
    }
    if (event.equals("message") || random.nextInt(4) == 0) {
      if (random.nextInt(10) < 7) {
        object.put("message", text(random, length(random)));
      } else if (random.nextBoolean()) {
        object.put("message", value(random, 1));
      }
    }
    if (event.equals("interaction") && random.nextInt(10) < 8) {
      List<String> ids = List.of("ex_breathing", "ex_breathing_complete", "ex_none_complete");
      object.put(
          "id", random.nextInt(10) < 7 ? ids.get(random.nextInt(ids.size())) : value(random, 1));
    }
    if (event.equals("feedback") && random.nextInt(10) < 8) {
      object.put("rating", random.nextInt(10) < 7 ? random.nextInt(8) - 1 : value(random, 1));
      if (random.nextBoolean()) {
        object.put(
            "text", random.nextInt(10) < 7 ? text(random, length(random)) : value(random, 1));
      }
    }
    if (event.equals("join_session") && random.nextInt(10) == 0) {
      object.put("typing", random.nextBoolean() ? random.nextBoolean() : value(random, 1));
    }
    for (int extra = random.nextInt(3); extra > 0; extra--) {
      object.put(text(random, 1 + random.nextInt(8)), value(random, 1));
    }
    return object;
  }

  /** {@return a random JSON value, nesting at most a few levels below {@code depth}} */
  private static Object value(Random random, int depth) {
    int kind = random.nextInt(depth >= 3 ? 6 : 8);
    switch (kind) {
      case 0:
        return JSONObject.NULL;
      case 1:
        return random.nextBoolean();
      case 2:
        return random.nextInt();
      case 3:
        return random.nextLong();
      case 4:
        return random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 5:
        return text(random, length(random));
      case 6:
        JSONArray array = new JSONArray();
        for (int i = random.nextInt(5); i > 0; i--) {
          array.put(value(random, depth + 1));
        }
        return array;
      default:
        JSONObject object = new JSONObject();
        for (int i = random.nextInt(5); i > 0; i--) {
          object.put(text(random, 1 + random.nextInt(6)), value(random, depth + 1));
        }
        return object;
    }
  }

  private static int length(Random random) {
    int pick = random.nextInt(100);
    if (pick < 70) {
      return random.nextInt(40);
    }
    if (pick < 95) {
      return random.nextInt(400);
    }
    return random.nextInt(6000);
  }

  /**
   * {@return random text: printable ASCII, white space, control characters, accents, right-to-left
   * and CJK letters, emoji, and the odd unpaired surrogate}
   */
  private static String text(Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      int pick = random.nextInt(100);
      if (pick < 55) {
        text.append((char) (0x20 + random.nextInt(0x5F)));
      } else if (pick < 62) {
        text.append(" \n\t\r".charAt(random.nextInt(4)));
      } else if (pick < 67) {
        text.append((char) random.nextInt(0x20));
      } else if (pick < 77) {
        text.append((char) (0xC0 + random.nextInt(0x180)));
      } else if (pick < 82) {
        text.append((char) (0x0590 + random.nextInt(0x100)));
      } else if (pick < 88) {
        text.append((char) (0x4E00 + random.nextInt(0x5000)));
      } else if (pick < 96) {
        text.appendCodePoint(0x1F600 + random.nextInt(0x50));
      } else if (pick < 98) {
        text.append((char) (0xD800 + random.nextInt(0x800)));
      } else {
        text.append((char) (0x2000 + random.nextInt(0x70)));
      }
    }
    return text.toString();
  }
}
