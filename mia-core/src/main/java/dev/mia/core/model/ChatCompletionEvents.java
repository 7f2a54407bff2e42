package dev.mia.core.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads the event stream of an OpenAI chat-completions streaming response (server-sent events) fed
 * as raw bytes in any split, and reports each piece of reply text and the {@code [DONE]} marker.
 * Bytes are never decoded into lines of text: each {@code data:} line's UTF-8 goes straight to a
 * streaming JSON parser. For model clients on any HTTP stack. Not thread-safe: one instance per
 * response, fed by one thread at a time.
 */
public final class ChatCompletionEvents {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  /** Receives what the stream says, on the thread that feeds it. */
  public interface Handler {
    /** A piece of the reply, never empty. */
    void onText(String text);

    /** The {@code [DONE]} marker: the reply is complete. */
    void onDone();
  }

  private final Handler handler;
  private final SseLines lines = new SseLines();
  private boolean done;

  /** A reader reporting to {@code handler}. */
  public ChatCompletionEvents(Handler handler) {
    this.handler = Objects.requireNonNull(handler, "handler == null");
  }

  /**
   * Reads the bytes of {@code buffer}; complete lines are handled at once, a partial one waits for
   * its end.
   *
   * @throws IOException if a {@code data:} line is not JSON
   */
  public void feed(ByteBuffer buffer) throws IOException {
    IOException[] failure = new IOException[1];
    lines.feed(
        buffer,
        (bytes, offset, length) -> {
          if (failure[0] == null) {
            try {
              line(bytes, offset, length);
            } catch (IOException e) {
              failure[0] = e;
            }
          }
        });
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  /** {@return whether the {@code [DONE]} marker has been read} */
  public boolean isDone() {
    return done;
  }

  private void line(byte[] bytes, int offset, int length) throws IOException {
    if (done || !startsWith(bytes, offset, length, DATA)) {
      return; // blank separators, comments, event names, or anything after [DONE]
    }
    int start = offset + DATA.length;
    int end = offset + length;
    if (start < end && bytes[start] == ' ') {
      start++;
    }
    if (startsWith(bytes, start, end - start, DONE)) {
      done = true;
      handler.onDone();
      return;
    }
    String text = deltaText(bytes, start, end - start);
    if (!text.isEmpty()) {
      handler.onText(text);
    }
  }

  private static boolean startsWith(byte[] bytes, int offset, int length, byte[] prefix) {
    if (length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@return the text of {@code choices[*].delta.content} in one SSE data payload} */
  static String deltaText(String data) throws IOException {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    return deltaText(bytes, 0, bytes.length);
  }

  /** {@return the text of {@code choices[*].delta.content} in one SSE data payload} */
  static String deltaText(byte[] data, int offset, int length) throws IOException {
    StringBuilder text = null;
    try (JsonParser p = JSON.createParser(data, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "";
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String choiceField = p.currentName();
              JsonToken choiceValue = p.nextToken();
              if ("delta".equals(choiceField) && choiceValue == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String deltaField = p.currentName();
                  JsonToken deltaValue = p.nextToken();
                  if ("content".equals(deltaField) && deltaValue == JsonToken.VALUE_STRING) {
                    text = text == null ? new StringBuilder(p.getText()) : text.append(p.getText());
                  } else {
                    p.skipChildren();
                  }
                }
              } else {
                p.skipChildren();
              }
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return text == null ? "" : text.toString();
  }
}
