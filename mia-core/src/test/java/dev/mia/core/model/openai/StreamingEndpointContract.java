package dev.mia.core.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.core.model.ChatModel;
import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.model.ReplyStream;
import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.testing.Await;
import dev.mia.core.testing.FakeOpenAi;
import dev.mia.core.testing.ModelRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every model client that talks to an OpenAI-compatible streaming endpoint does, tested
 * against {@link FakeOpenAi}; one subclass per client.
 */
@Timeout(60)
abstract class StreamingEndpointContract {
  private static final String SYSTEM_PROMPT = "You are Mia, a test companion.";
  private static final List<ChatMessage> HISTORY =
      List.of(
          ChatMessage.user("Hello", 1),
          ChatMessage.assistant("Hi, I'm Mia.", 2),
          ChatMessage.user("I had a long day", 3),
          ChatMessage.assistant("Tell me about it.", 4));

  /** A client with key {@code sk-test} for the endpoint at {@code baseUrl}. */
  abstract Client newClient(String baseUrl, String modelName, double temperature, int retries);

  /** A model client whose {@link #close()} each subclass names. */
  interface Client extends ChatModel {
    @Override
    void close();
  }

  /** {@return {@code model} as a {@link Client} that closes with {@code close}} */
  static Client client(ChatModel model, Runnable close) {
    return new Client() {
      @Override
      public ReplyStream stream(ModelRequest request, ModelListener listener) {
        return model.stream(request, listener);
      }

      @Override
      public void close() {
        close.run();
      }

      @Override
      public String toString() {
        return model.toString();
      }
    };
  }

  final FakeOpenAi fake = FakeOpenAi.start();
  final Client model = newClient(fake.baseUrl(), "gpt-4o", 0.7, 0);

  @AfterEach
  void stop() {
    model.close();
    fake.close();
  }

  static ModelRequest request(String userMessage) {
    return new ModelRequest(SYSTEM_PROMPT, HISTORY, userMessage, Mode.GREETING, SafetyTier.NORMAL);
  }

  /** Streams one reply to its end and {@return the request body the endpoint received} */
  JsonNode sentBody(ChatModel client, ModelRequest request) {
    int before = fake.chatRequests().size();
    ModelRecorder recorder = new ModelRecorder();
    client.stream(request, recorder);
    recorder.awaitEnd();
    List<JsonNode> requests = fake.chatRequests();
    assertEquals(before + 1, requests.size());
    return requests.get(before);
  }

  @Test
  void streamedDeltasJoinToTheReply() {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(request("What should I do?"), recorder);

    recorder.awaitEnd();
    assertEquals(fake.replyText(), recorder.text());
    assertEquals(List.of("complete"), recorder.terminals());
  }

  @Test
  void deltasArriveAsTheEndpointSentThem() {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(request("What should I do?"), recorder);

    assertEquals(FakeOpenAi.DEFAULT_TOKENS, recorder.awaitEnd().deltas());
  }

  @Test
  void requestAsksForGpt4o() {
    JsonNode body = sentBody(model, request("What should I do?"));

    assertEquals("gpt-4o", body.path("model").asText());
  }

  @Test
  void requestAsksForTemperatureSevenTenths() {
    JsonNode body = sentBody(model, request("What should I do?"));

    assertEquals(0.7, body.path("temperature").asDouble());
  }

  @Test
  void requestAsksForAStream() {
    JsonNode body = sentBody(model, request("What should I do?"));

    assertTrue(body.path("stream").asBoolean(), body.toString());
  }

  @Test
  void requestSendsSystemPromptThenHistoryThenTheNewMessage() {
    JsonNode body = sentBody(model, request("What should I do?"));

    List<String> messages = new ArrayList<>();
    body.path("messages")
        .forEach(m -> messages.add(m.path("role").asText() + ": " + m.path("content").asText()));
    assertEquals(
        List.of(
            "system: " + SYSTEM_PROMPT,
            "user: Hello",
            "assistant: Hi, I'm Mia.",
            "user: I had a long day",
            "assistant: Tell me about it.",
            "user: What should I do?"),
        messages);
  }

  @Test
  void configuredModelAndTemperatureAreSent() {
    try (Client custom = newClient(fake.baseUrl(), "gpt-4o-mini", 0.2, 0)) {
      JsonNode body = sentBody(custom, request("Hello"));

      assertEquals("gpt-4o-mini", body.path("model").asText());
      assertEquals(0.2, body.path("temperature").asDouble());
    }
  }

  @Test
  void httpErrorIsReportedAsUnavailable() {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(request("[fail] please"), recorder);

    recorder.awaitEnd();
    assertEquals(List.of("failure"), recorder.terminals());
    assertEquals(ModelFailure.Kind.UNAVAILABLE, recorder.failure().orElseThrow().kind());
    assertEquals(List.of(), recorder.deltas());
  }

  @Test
  void droppedConnectionIsReportedAfterTheDeltasThatArrived() {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(request("[drop] please"), recorder);

    recorder.awaitEnd();
    assertEquals(List.of("failure"), recorder.terminals());
    assertTrue(
        Set.of(ModelFailure.Kind.BROKEN_STREAM, ModelFailure.Kind.UNAVAILABLE)
            .contains(recorder.failure().orElseThrow().kind()),
        recorder.failure().toString());
    assertEquals(FakeOpenAi.DEFAULT_TOKENS.subList(0, 3), recorder.deltas());
  }

  @Test
  void unreachableEndpointIsReportedAsUnavailable() {
    String deadUrl = fake.baseUrl();
    fake.close();
    ModelRecorder recorder = new ModelRecorder();

    try (Client dead = newClient(deadUrl, "gpt-4o", 0.7, 0)) {
      dead.stream(request("Hello"), recorder);
      recorder.awaitEnd();
    }

    assertEquals(ModelFailure.Kind.UNAVAILABLE, recorder.failure().orElseThrow().kind());
  }

  @Test
  void failureDetailNeverContainsTheConversation() {
    ModelRecorder recorder = new ModelRecorder();

    model.stream(request("[fail] my secret"), recorder);

    String detail = recorder.awaitEnd().failure().orElseThrow().detail();
    assertFalse(detail.contains("secret"), detail);
    assertFalse(detail.contains("long day"), detail);
  }

  @Test
  void cancelStopsTheDeltas() {
    fake.tokenDelay(Duration.ofMillis(20));
    CompletableFuture<ReplyStream> stream = new CompletableFuture<>();
    ModelRecorder cancelled =
        new ModelRecorder().onFirstDelta(() -> Await.future(stream, "the stream").cancel());

    stream.complete(model.stream(request("Hello"), cancelled));
    cancelled.awaitFirstDelta();
    // A second reply of the same length, started after the cancel, marks when the first one
    // would have ended.
    ModelRecorder marker = new ModelRecorder();
    model.stream(request("Hello again"), marker);
    marker.awaitEnd();

    assertEquals(FakeOpenAi.DEFAULT_TOKENS.subList(0, 1), cancelled.deltas());
    assertEquals(List.of(), cancelled.terminals());
  }

  @Test
  void toStringNamesTheModelButNotTheKey() {
    String text = model.toString();

    assertTrue(text.contains("gpt-4o"), text);
    assertFalse(text.contains("sk-test"), text);
  }
}
