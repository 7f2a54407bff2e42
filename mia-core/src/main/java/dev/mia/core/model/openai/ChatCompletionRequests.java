package dev.mia.core.model.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.session.ChatMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the body of an OpenAI chat-completions streaming request: model, temperature, {@code
 * stream: true}, and the messages — system prompt first, then the history in order, then the new
 * user message. For model clients on any HTTP stack.
 *
 * <p>Public because a client outside this package writes its requests with it: mia-server's Netty
 * model client ({@code dev.mia.server.NettyChatModel}). Not an extension point.
 */
public final class ChatCompletionRequests {
  private static final JsonFactory JSON = new JsonFactory();

  private ChatCompletionRequests() {}

  /** {@return the UTF-8 JSON body asking {@code model} to stream its answer to {@code request}} */
  public static byte[] json(ModelRequest request, String model, double temperature) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + request.userMessage().length());
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("model", model);
      json.writeNumberField("temperature", temperature);
      json.writeBooleanField("stream", true);
      json.writeArrayFieldStart("messages");
      message(json, "system", request.systemPrompt());
      for (ChatMessage m : request.history()) {
        message(json, m.role().wireName(), m.content());
      }
      message(json, "user", request.userMessage());
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void message(JsonGenerator json, String role, String content) throws IOException {
    json.writeStartObject();
    json.writeStringField("role", role);
    json.writeStringField("content", content);
    json.writeEndObject();
  }
}
