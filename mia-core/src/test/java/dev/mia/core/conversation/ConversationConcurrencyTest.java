package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.newSession;
import static dev.mia.core.testing.Conversations.send;
import static dev.mia.core.testing.Conversations.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.testing.Await;
import dev.mia.core.testing.Conversations;
import dev.mia.core.testing.RecordingListener;
import dev.mia.core.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threading: sessions run in parallel, one session's messages run in single file, and nobody waits
 * for the model. The model here is driven by the test, so every interleaving is chosen, not hoped
 * for.
 */
@Timeout(60)
class ConversationConcurrencyTest {
  private static final String ALICE = "anon_alice";
  private static final String BOB = "anon_bob";

  private final Queue<String> log = new ConcurrentLinkedQueue<>();
  private final ScriptedChatModel model =
      new ScriptedChatModel(stream -> log.add("model:open:" + stream.request().userMessage()));
  private final ConversationEngine engine = ConversationEngine.builder().chatModel(model).build();

  @AfterEach
  void stop() {
    engine.close();
    model.close();
  }

  private RecordingListener logged(String userId, String sessionId, String message, String name) {
    RecordingListener listener = new RecordingListener(name, log);
    assertInstanceOf(
        SubmitResult.Accepted.class, engine.submit(userId, sessionId, message, listener));
    return listener;
  }

  @Test
  void twoSessionsStreamInParallel() {
    String alices = newSession(engine, ALICE).sessionId();
    String bobs = newSession(engine, BOB).sessionId();
    RecordingListener a = logged(ALICE, alices, "Hello from A", "a");
    ScriptedChatModel.Stream streamA = model.nextStream();
    streamA.delta("A is ");
    a.awaitChunks(1);

    RecordingListener b = logged(BOB, bobs, "Hello from B", "b");
    model.nextStream().reply(List.of("B ", "done."));

    assertEquals("B done.", b.awaitEnd().completion().orElseThrow());
    assertFalse(a.hasEnded(), "A is still streaming while B completed");
    streamA.reply(List.of("done."));
    assertEquals("A is done.", a.awaitEnd().completion().orElseThrow());
  }

  @Test
  void oneSessionsMessagesNeverInterleave() {
    String id = newSession(engine, ALICE).sessionId();
    RecordingListener first = logged(ALICE, id, "first", "1");
    RecordingListener second = logged(ALICE, id, "second", "2");
    ScriptedChatModel.Stream one = model.nextStream();
    one.delta("one ");
    first.awaitChunks(1);
    one.delta("done.");
    first.awaitChunks(2);

    one.complete();
    model.nextStream().reply(List.of("two ", "done."));
    second.awaitEnd();

    assertEquals(
        List.of(
            "model:open:first",
            "1:chunk:one ",
            "1:chunk:done.",
            "1:complete:one done.",
            "model:open:second",
            "2:chunk:two ",
            "2:chunk:done.",
            "2:complete:two done."),
        new ArrayList<>(log));
  }

  @Test
  void secondMessageOfASessionWaitsForTheFirstReply() {
    String id = newSession(engine, ALICE).sessionId();
    logged(ALICE, id, "first", "1");
    logged(ALICE, id, "second", "2");
    ScriptedChatModel.Stream one = model.nextStream();
    one.delta("one ");

    assertEquals(
        List.of("first"), model.requests().stream().map(ModelRequest::userMessage).toList());
    one.complete();
    assertEquals("second", model.nextStream().request().userMessage());
  }

  @Test
  void modelSeesTheFirstReplyInTheSecondRequestsHistory() {
    String id = newSession(engine, ALICE).sessionId();
    logged(ALICE, id, "first", "1");
    logged(ALICE, id, "second", "2");

    model.nextStream().reply(List.of("one ", "done."));
    ScriptedChatModel.Stream two = model.nextStream();

    assertEquals(
        List.of("user: first", "assistant: one done."),
        two.request().history().stream().map(Conversations::line).toList());
  }

  @Test
  void queuedMessagesAreAnsweredInTheOrderTheyWereAccepted() throws InterruptedException {
    String id = newSession(engine, ALICE).sessionId();
    List<String> messages = List.of("one", "two", "three", "four");
    for (String message : messages) {
      logged(ALICE, id, message, message);
    }

    for (String message : messages) {
      ScriptedChatModel.Stream stream = model.nextStream();
      assertEquals(message, stream.request().userMessage());
      stream.reply(List.of("re:" + message));
    }

    assertTrue(engine.awaitIdle(Await.LIMIT));
    assertEquals(
        List.of(
            "user: one", "assistant: re:one",
            "user: two", "assistant: re:two",
            "user: three", "assistant: re:three",
            "user: four", "assistant: re:four"),
        transcript(engine, ALICE, id));
  }

  @Test
  void submitReturnsBeforeTheModelFinishes() {
    String id = newSession(engine, ALICE).sessionId();

    SubmitResult result = engine.submit(ALICE, id, "Hello", new RecordingListener());

    assertInstanceOf(SubmitResult.Accepted.class, result);
    ScriptedChatModel.Stream stream = model.nextStream();
    assertFalse(stream.isCancelled());
    stream.reply(List.of("Hi."));
  }

  @Test
  void listenerIsNeverCalledOnTheSubmittingThread() {
    // This model answers inside stream(), on whichever thread calls it.
    try (ConversationEngine engine =
        ConversationEngine.builder()
            .chatModel(
                (request, listener) -> {
                  listener.onDelta("Right ");
                  listener.onDelta("away.");
                  listener.onComplete();
                  return () -> {};
                })
            .build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = send(engine, ALICE, id, "I want to die").awaitEnd();

      assertEquals(
          List.of("alert:3", "chunk:Right ", "chunk:away.", "complete:Right away."),
          reply.events());
      assertFalse(reply.callers().contains(Thread.currentThread()));
    }
  }

  @Test
  void awaitIdleIsFalseWhileAReplyIsOpen() throws InterruptedException {
    String id = newSession(engine, ALICE).sessionId();
    logged(ALICE, id, "Hello", "a");
    model.nextStream();

    assertFalse(engine.awaitIdle(Duration.ofMillis(20)));
  }

  @Test
  void awaitIdleIsTrueOnceTheRepliesEnd() throws InterruptedException {
    String id = newSession(engine, ALICE).sessionId();
    logged(ALICE, id, "Hello", "a");
    logged(ALICE, id, "Again", "b");
    model.nextStream().reply(List.of("Hi."));
    model.nextStream().fail(ModelFailure.Kind.UNAVAILABLE);

    assertTrue(engine.awaitIdle(Await.LIMIT));
  }

  @Test
  void awaitIdleIsTrueAtOnceWhenNothingWasSent() throws InterruptedException {
    assertTrue(engine.awaitIdle(Duration.ZERO));
  }

  @Test
  void manySessionsWithManyMessagesAllComplete() throws InterruptedException {
    try (ScriptedChatModel echo =
            new ScriptedChatModel(
                stream -> stream.reply(List.of("re:", stream.request().userMessage())));
        ConversationEngine engine = ConversationEngine.builder().chatModel(echo).build()) {
      List<String> users = new ArrayList<>();
      List<String> sessions = new ArrayList<>();
      List<RecordingListener> replies = new ArrayList<>();
      for (int u = 0; u < 20; u++) {
        users.add("anon_user" + u);
        sessions.add(newSession(engine, users.get(u)).sessionId());
      }
      for (int m = 0; m < 3; m++) {
        for (int u = 0; u < users.size(); u++) {
          replies.add(send(engine, users.get(u), sessions.get(u), "m" + m));
        }
      }

      replies.forEach(RecordingListener::awaitEnd);

      assertTrue(engine.awaitIdle(Await.LIMIT));
      for (int u = 0; u < users.size(); u++) {
        assertEquals(
            List.of(
                "user: m0", "assistant: re:m0",
                "user: m1", "assistant: re:m1",
                "user: m2", "assistant: re:m2"),
            transcript(engine, users.get(u), sessions.get(u)));
      }
    }
  }
}
