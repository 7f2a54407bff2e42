package dev.mia.core.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mia.core.model.ModelFailure;
import dev.mia.core.testing.ModelRecorder;
import org.junit.jupiter.api.Test;

/** The lean JDK-HTTP client against the endpoint contract, plus its own retries. */
class StreamingHttpChatModelTest extends StreamingEndpointContract {
  @Override
  Client newClient(String baseUrl, String modelName, double temperature, int retries) {
    StreamingHttpChatModel client =
        StreamingHttpChatModel.builder()
            .apiKey("sk-test")
            .baseUrl(baseUrl)
            .model(modelName)
            .temperature(temperature)
            .maxRetries(retries)
            .build();
    return client(client, client::close);
  }

  @Test
  void serverErrorIsRetriedBeforeItIsReported() {
    try (Client retrying = newClient(fake.baseUrl(), "gpt-4o", 0.7, 2)) {
      ModelRecorder recorder = new ModelRecorder();

      retrying.stream(request("[fail] please"), recorder);

      recorder.awaitEnd();
      assertEquals(ModelFailure.Kind.UNAVAILABLE, recorder.failure().orElseThrow().kind());
      assertEquals(3, fake.chatRequests().size());
    }
  }

  @Test
  void deltaTextJoinsTheContentOfEveryChoice() throws Exception {
    String text =
        ChatCompletionEvents.deltaText(
            "{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                + "\"content\":\"Hi \\\"you\\\" \\u00e9\"},\"finish_reason\":null}]}");

    assertEquals("Hi \"you\" é", text);
  }

  @Test
  void deltaTextOfAnEventWithoutContentIsEmpty() throws Exception {
    assertEquals(
        "",
        ChatCompletionEvents.deltaText(
            "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}"));
  }

  @Test
  void apiKeyIsRequired() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> StreamingHttpChatModel.builder().build());

    assertEquals("apiKey is required", e.getMessage());
  }

  @Test
  void temperatureOutsideZeroToTwoIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> StreamingHttpChatModel.builder().temperature(-1));
  }

  @Test
  void retriesMustNotBeNegative() {
    assertThrows(
        IllegalArgumentException.class, () -> StreamingHttpChatModel.builder().maxRetries(-1));
  }
}
