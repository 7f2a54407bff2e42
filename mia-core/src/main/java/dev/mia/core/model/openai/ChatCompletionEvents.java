package dev.mia.core.model.openai;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads the event stream of an OpenAI chat-completions streaming response (server-sent events) fed
 * as raw bytes in any split, and reports each piece of reply text and the {@code [DONE]} marker.
 * Bytes are never decoded into lines of text: each {@code data:} line's UTF-8 is read in place for
 * the reply text alone. For model clients on any HTTP stack. Not thread-safe: one instance per
 * response, fed by one thread at a time.
 *
 * <p>Public because a client outside this package reads its responses with it: mia-server's Netty
 * model client ({@code dev.mia.server.NettyChatModel}). Not an extension point.
 */
public final class ChatCompletionEvents {
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
  boolean isDone() {
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
    return DeltaText.of(data, offset, length);
  }
}
