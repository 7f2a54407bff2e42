package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.exchange;
import static dev.mia.core.testing.Conversations.newSession;
import static dev.mia.core.testing.Conversations.send;
import static dev.mia.core.testing.Conversations.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.openai.OpenAiChatModel;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.testing.Await;
import dev.mia.core.testing.CapturedLog;
import dev.mia.core.testing.FakeOpenAi;
import dev.mia.core.testing.ForwardingSessionStore;
import dev.mia.core.testing.RecordingListener;
import dev.mia.core.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When the model fails, times out or the listener misbehaves: the session stays whole. */
@Timeout(60)
class ConversationFailureTest {
  private static final String ALICE = "anon_alice";
  private static final Duration SHORT_IDLE_TIMEOUT = Duration.ofMillis(200);

  /** A model that fails a message containing {@code [fail]} and answers any other. */
  private static ScriptedChatModel failingOnRequest() {
    return new ScriptedChatModel(
        stream -> {
          if (stream.request().userMessage().contains("[fail]")) {
            stream.fail(ModelFailure.Kind.UNAVAILABLE);
          } else {
            stream.reply(List.of("Back ", "again."));
          }
        });
  }

  @Test
  void modelFailureIsReportedAsModelUnavailable() {
    try (ScriptedChatModel model = failingOnRequest();
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "[fail] Hello");

      assertEquals(ErrorCode.MODEL_UNAVAILABLE, reply.error().orElseThrow().code());
      assertEquals(List.of("error:MODEL_UNAVAILABLE"), reply.events());
    }
  }

  @Test
  void userMessageStaysStoredWhenTheModelFails() {
    try (ScriptedChatModel model = failingOnRequest();
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();

      exchange(engine, ALICE, id, "[fail] Hello");

      assertEquals(List.of("user: [fail] Hello"), transcript(engine, ALICE, id));
    }
  }

  @Test
  void nextMessageIsAnsweredAfterAModelFailure() {
    try (ScriptedChatModel model = failingOnRequest();
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();
      exchange(engine, ALICE, id, "[fail] Hello");

      RecordingListener reply = exchange(engine, ALICE, id, "Hello again");

      assertEquals("Back again.", reply.completion().orElseThrow());
      assertEquals(
          List.of("user: [fail] Hello", "user: Hello again", "assistant: Back again."),
          transcript(engine, ALICE, id));
    }
  }

  @Test
  void crisisMessageIsAlertedEvenWhenTheModelFails() {
    try (ScriptedChatModel model = ScriptedChatModel.failing(ModelFailure.Kind.UNAVAILABLE);
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "I want to die");

      assertEquals(List.of("alert:3", "error:MODEL_UNAVAILABLE"), reply.events());
    }
  }

  @Test
  void brokenStreamKeepsNoHalfReply() {
    try (ScriptedChatModel model =
            new ScriptedChatModel(
                stream -> stream.delta("Half ").delta("a ").fail(ModelFailure.Kind.BROKEN_STREAM));
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "Hello");

      assertEquals(List.of("chunk:Half ", "chunk:a ", "error:MODEL_UNAVAILABLE"), reply.events());
      assertEquals(List.of("user: Hello"), transcript(engine, ALICE, id));
    }
  }

  @Test
  void modelFailureErrorNeverContainsTheMessage() {
    try (ScriptedChatModel model = failingOnRequest();
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();

      ConversationError error =
          exchange(engine, ALICE, id, "[fail] my secret").error().orElseThrow();

      assertFalse(error.message().contains("secret"), error.toString());
      assertFalse(error.detail().contains("secret"), error.toString());
    }
  }

  @Test
  void failingOpenAiEndpointIsReportedAsModelUnavailable() {
    try (FakeOpenAi fake = FakeOpenAi.start();
        OpenAiChatModel model = openAi(fake);
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "[fail] Hello");

      assertEquals(ErrorCode.MODEL_UNAVAILABLE, reply.error().orElseThrow().code());
      assertEquals(List.of("user: [fail] Hello"), transcript(engine, ALICE, id));
    }
  }

  @Test
  void openAiEndpointAnswersTheMessageAfterAFailure() {
    try (FakeOpenAi fake = FakeOpenAi.start();
        OpenAiChatModel model = openAi(fake);
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();
      exchange(engine, ALICE, id, "[fail] Hello");

      RecordingListener reply = exchange(engine, ALICE, id, "Hello again");

      assertEquals(fake.replyText(), reply.completion().orElseThrow());
      assertEquals(FakeOpenAi.DEFAULT_TOKENS, reply.chunks());
    }
  }

  @Test
  void droppedOpenAiStreamIsReportedAsModelUnavailableAfterItsChunks() {
    try (FakeOpenAi fake = FakeOpenAi.start();
        OpenAiChatModel model = openAi(fake);
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "[drop] Hello");

      assertEquals(ErrorCode.MODEL_UNAVAILABLE, reply.error().orElseThrow().code());
      assertEquals(FakeOpenAi.DEFAULT_TOKENS.subList(0, 3), reply.chunks());
      assertEquals(List.of("user: [drop] Hello"), transcript(engine, ALICE, id));
    }
  }

  private static OpenAiChatModel openAi(FakeOpenAi fake) {
    return OpenAiChatModel.builder()
        .apiKey("sk-test")
        .baseUrl(fake.baseUrl())
        .maxRetries(0)
        .build();
  }

  @Test
  void silentModelIsGivenUpAfterTheIdleTimeout() {
    try (ScriptedChatModel model = ScriptedChatModel.silent();
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(model)
                .modelIdleTimeout(SHORT_IDLE_TIMEOUT)
                .build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "Hello");

      assertEquals(List.of("error:MODEL_UNAVAILABLE"), reply.events());
    }
  }

  @Test
  void silentModelsStreamIsCancelledAfterTheIdleTimeout() {
    try (ScriptedChatModel model = ScriptedChatModel.silent();
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(model)
                .modelIdleTimeout(SHORT_IDLE_TIMEOUT)
                .build()) {
      String id = newSession(engine, ALICE).sessionId();
      send(engine, ALICE, id, "Hello");

      model.nextStream().awaitCancelled();
    }
  }

  @Test
  void modelFallingSilentMidReplyIsGivenUpAfterItsChunks() {
    try (ScriptedChatModel model = new ScriptedChatModel(stream -> stream.delta("Let me "));
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(model)
                .modelIdleTimeout(SHORT_IDLE_TIMEOUT)
                .build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener reply = exchange(engine, ALICE, id, "Hello");

      assertEquals(List.of("chunk:Let me ", "error:MODEL_UNAVAILABLE"), reply.events());
      assertEquals(List.of("user: Hello"), transcript(engine, ALICE, id));
    }
  }

  @Test
  void sessionIsUsableAfterAnIdleTimeout() {
    try (ScriptedChatModel model =
            new ScriptedChatModel(
                stream -> {
                  if (!stream.request().userMessage().equals("Hello")) {
                    stream.reply(List.of("Yes."));
                  }
                });
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(model)
                .modelIdleTimeout(SHORT_IDLE_TIMEOUT)
                .build()) {
      String id = newSession(engine, ALICE).sessionId();
      RecordingListener timedOut = send(engine, ALICE, id, "Hello");
      RecordingListener queued = send(engine, ALICE, id, "Are you there?");

      assertEquals(ErrorCode.MODEL_UNAVAILABLE, timedOut.awaitEnd().error().orElseThrow().code());
      assertEquals("Yes.", queued.awaitEnd().completion().orElseThrow());
      model.nextStream().reply(List.of("Too late."));
      model.drain();
      assertEquals(
          List.of("user: Hello", "user: Are you there?", "assistant: Yes."),
          transcript(engine, ALICE, id));
    }
  }

  @Test
  void modelThatThrowsIsReportedAsInternalErrorAndTheSessionStaysUsable() {
    boolean[] thrown = new boolean[1];
    try (ScriptedChatModel answering = ScriptedChatModel.replying("Fine.");
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(
                    (request, listener) -> {
                      if (!thrown[0]) {
                        thrown[0] = true;
                        throw new IllegalStateException("model bug");
                      }
                      return answering.stream(request, listener);
                    })
                .build()) {
      String id = newSession(engine, ALICE).sessionId();

      RecordingListener failed;
      String log;
      try (CapturedLog captured = CapturedLog.start()) {
        failed = exchange(engine, ALICE, id, "Hello");
        log = captured.text();
      }
      RecordingListener answered = exchange(engine, ALICE, id, "Hello again");

      assertEquals(ErrorCode.INTERNAL_ERROR, failed.error().orElseThrow().code());
      assertEquals("Fine.", answered.completion().orElseThrow());
      assertTrue(log.contains("ERROR") && log.contains(id), log);
    }
  }

  @Test
  void listenerThatThrowsDoesNotStopTheReplyBeingStored() throws InterruptedException {
    try (ScriptedChatModel model = ScriptedChatModel.replying("Still ", "stored.");
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();
      ReplyListener throwing =
          new ReplyListener() {
            @Override
            public void onSafetyAlert(SafetyAlert alert) {
              throw new IllegalStateException("client gone");
            }

            @Override
            public void onChunk(String chunk) {
              throw new IllegalStateException("client gone");
            }

            @Override
            public void onComplete(String fullReply) {
              throw new IllegalStateException("client gone");
            }

            @Override
            public void onError(ConversationError error) {
              throw new IllegalStateException("client gone");
            }
          };

      assertInstanceOf(
          SubmitResult.Accepted.class, engine.submit(ALICE, id, "I want to die", throwing));

      assertTrue(engine.awaitIdle(Await.LIMIT));
      assertEquals(
          List.of("user: I want to die", "assistant: Still stored."),
          transcript(engine, ALICE, id));
    }
  }

  @Test
  void listenerThatThrowsOnOneChunkStillGetsTheRest() {
    try (ScriptedChatModel model = ScriptedChatModel.replying("one ", "two ", "three");
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();
      RecordingListener recorder = new RecordingListener();
      ReplyListener flaky =
          new ReplyListener() {
            @Override
            public void onSafetyAlert(SafetyAlert alert) {
              recorder.onSafetyAlert(alert);
            }

            @Override
            public void onChunk(String chunk) {
              recorder.onChunk(chunk);
              if (chunk.equals("one ")) {
                throw new IllegalStateException("hiccup");
              }
            }

            @Override
            public void onComplete(String fullReply) {
              recorder.onComplete(fullReply);
            }

            @Override
            public void onError(ConversationError error) {
              recorder.onError(error);
            }
          };

      engine.submit(ALICE, id, "Hello", flaky);

      assertEquals("one two three", recorder.awaitEnd().completion().orElseThrow());
    }
  }

  @Test
  void replyIsStoredWhenNobodyListens() throws InterruptedException {
    try (ScriptedChatModel model = ScriptedChatModel.replying("Saved ", "for later.");
        ConversationEngine engine = ConversationEngine.builder().chatModel(model).build()) {
      String id = newSession(engine, ALICE).sessionId();
      ReplyListener disconnected =
          new ReplyListener() {
            @Override
            public void onSafetyAlert(SafetyAlert alert) {}

            @Override
            public void onChunk(String chunk) {}

            @Override
            public void onComplete(String fullReply) {}

            @Override
            public void onError(ConversationError error) {}
          };

      engine.submit(ALICE, id, "Hello", disconnected);

      assertTrue(engine.awaitIdle(Await.LIMIT));
      assertEquals(
          List.of("user: Hello", "assistant: Saved for later."), transcript(engine, ALICE, id));
    }
  }

  /** A store whose settles take effect only once the test lets them. */
  private static final class HeldSettles extends ForwardingSessionStore {
    private final CompletableFuture<Void> let = new CompletableFuture<>();

    HeldSettles() {
      super(new InMemorySessionStore());
    }

    @Override
    public CompletionStage<Boolean> settle(String sessionId, Optional<ChatMessage> reply) {
      return let.thenCompose(go -> super.settle(sessionId, reply));
    }

    void letSettlesThrough() {
      let.complete(null);
    }

    boolean settlesLetThrough() {
      return let.isDone();
    }
  }

  @Test
  void aFailedTurnKeepsItsSessionUntilItsSettleHasTakenEffect() throws InterruptedException {
    // The next turn reads the session when it gets it: were it let in before the failed turn's
    // writes took effect, it would miss what that turn recorded, such as a stated age.
    HeldSettles store = new HeldSettles();
    CompletableFuture<Boolean> settledWhenLetGo = new CompletableFuture<>();
    SessionLocks locks =
        sessionId ->
            CompletableFuture.completedFuture(
                () -> settledWhenLetGo.complete(store.settlesLetThrough()));
    try (ScriptedChatModel model = failingOnRequest();
        ConversationEngine engine =
            ConversationEngine.builder()
                .chatModel(model)
                .sessionStore(store)
                .sessionLocks(locks)
                .build()) {
      String id = newSession(engine, ALICE).sessionId();
      exchange(engine, ALICE, id, "[fail] Hi, I'm 10 years old");
      boolean idleWhileHeld = engine.awaitIdle(Duration.ofMillis(200));

      store.letSettlesThrough();

      assertFalse(idleWhileHeld, "the failed turn let its session go before its settle");
      assertTrue(Await.future(settledWhenLetGo, "the failed turn letting its session go"));
      assertTrue(engine.awaitIdle(Await.LIMIT));
    }
  }
}
