package dev.mia.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** A session's messages go out one after another, in order; different sessions' do not wait. */
class PublishLanesTest {
  /** A sender whose sends complete when the test says so. */
  private static final class Sends {
    final List<String> started = new ArrayList<>();
    final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    final List<String> failures = new ArrayList<>();

    CompletionStage<?> send(String message) {
      started.add(message);
      CompletableFuture<Void> sent = new CompletableFuture<>();
      inFlight.put(message, sent);
      return sent;
    }

    void complete(String message) {
      inFlight.remove(message).complete(null);
    }

    void fail(String message) {
      inFlight.remove(message).completeExceptionally(new IllegalStateException("lost"));
    }
  }

  private final Sends sends = new Sends();
  private final PublishLanes<String> lanes =
      new PublishLanes<>(sends::send, (session, failure) -> sends.failures.add(session));

  @Test
  void aSessionsNextMessageGoesOutOnlyOnceTheOneBeforeItIsSent() {
    lanes.publish("s", "1");
    lanes.publish("s", "2");
    lanes.publish("s", "3");
    assertEquals(List.of("1"), sends.started);

    sends.complete("1");
    assertEquals(List.of("1", "2"), sends.started);
    sends.complete("2");
    sends.complete("3");

    assertEquals(List.of("1", "2", "3"), sends.started);
    assertEquals(0, lanes.busySessions(), "nothing left once the lane is empty");
  }

  @Test
  void differentSessionsDoNotWaitForEachOther() {
    lanes.publish("s", "s1");
    lanes.publish("t", "t1");

    assertEquals(List.of("s1", "t1"), sends.started);
  }

  @Test
  void aMessageThatCouldNotBeSentIsReportedAndTheNextGoesOut() {
    CompletionStage<Void> first = lanes.publish("s", "1");
    lanes.publish("s", "2");

    sends.fail("1");

    assertTrue(first.toCompletableFuture().isDone(), "completes, does not fail");
    assertEquals(List.of("s"), sends.failures);
    assertEquals(List.of("1", "2"), sends.started);
  }

  @Test
  void aStageCompletesWhenItsMessageIsSent() {
    CompletionStage<Void> first = lanes.publish("s", "1");
    CompletionStage<Void> second = lanes.publish("s", "2");

    sends.complete("1");

    assertTrue(first.toCompletableFuture().isDone());
    assertTrue(!second.toCompletableFuture().isDone());
  }

  @Test
  void sendsThatCompleteAtOnceKeepTheirOrderWithoutNesting() {
    List<String> sent = new ArrayList<>();
    PublishLanes<String> immediate =
        new PublishLanes<>(
            message -> {
              sent.add(message);
              return CompletableFuture.completedFuture(null);
            },
            (session, failure) -> {});
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      immediate.publish("s", Integer.toString(i));
      expected.add(Integer.toString(i));
    }

    assertEquals(expected, sent);
    assertEquals(0, immediate.busySessions());
  }

  @Test
  void aRoomMessageReadsBackAsItWasWritten() {
    RoomMessage message =
        new RoomMessage("node-1", "s_1", "message_chunk", "{\"chunk\":\"héllo \\ud83d\\ude00 ✓\"}");

    assertEquals(message, RoomMessage.decode(message.encode()));
  }
}
