package dev.mia.core.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The official-SDK client against the endpoint contract. */
class OpenAiChatModelTest extends StreamingEndpointContract {
  @Override
  Client newClient(String baseUrl, String modelName, double temperature, int retries) {
    OpenAiChatModel client =
        OpenAiChatModel.builder()
            .apiKey("sk-test")
            .baseUrl(baseUrl)
            .model(modelName)
            .temperature(temperature)
            .maxRetries(retries)
            .build();
    return client(client, client::close);
  }

  @Test
  void apiKeyIsRequired() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> OpenAiChatModel.builder().build());

    assertEquals("apiKey is required", e.getMessage());
  }

  @Test
  void temperatureOutsideZeroToTwoIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> OpenAiChatModel.builder().temperature(2.5));

    assertEquals("temperature must be from 0 to 2, was 2.5", e.getMessage());
  }
}
