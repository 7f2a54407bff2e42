package dev.mia.core.model.openai;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Splits a byte stream into lines at {@code \n} (dropping a preceding {@code \r}), without decoding
 * it: a server-sent event's {@code data:} line is handed on as bytes, so the JSON parser reads
 * UTF-8 directly. A line split across buffers is kept until its end arrives. Not thread-safe: one
 * instance per stream, fed by one thread at a time.
 */
final class SseLines {
  /** Receives one line; the array is reused after the call returns. */
  @FunctionalInterface
  interface Sink {
    void line(byte[] bytes, int offset, int length);
  }

  private byte[] partial = new byte[256];
  private byte[] scratch = new byte[512];
  private int partialLength;

  void feed(ByteBuffer buffer, Sink sink) {
    byte[] array;
    int start;
    int end;
    if (buffer.hasArray()) {
      array = buffer.array();
      start = buffer.arrayOffset() + buffer.position();
      end = buffer.arrayOffset() + buffer.limit();
    } else {
      // A direct buffer (what a socket reads into): copied into an array kept for the next feed,
      // as a stream brings one such buffer per piece of the reply.
      int length = buffer.remaining();
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      buffer.duplicate().get(scratch, 0, length);
      array = scratch;
      start = 0;
      end = length;
    }
    int lineStart = start;
    for (int i = start; i < end; i++) {
      if (array[i] != '\n') {
        continue;
      }
      if (partialLength > 0) {
        append(array, lineStart, i - lineStart);
        emit(partial, 0, partialLength, sink);
        partialLength = 0;
      } else {
        emit(array, lineStart, i - lineStart, sink);
      }
      lineStart = i + 1;
    }
    if (lineStart < end) {
      append(array, lineStart, end - lineStart);
    }
    buffer.position(buffer.limit());
  }

  private static void emit(byte[] bytes, int offset, int length, Sink sink) {
    int n = length > 0 && bytes[offset + length - 1] == '\r' ? length - 1 : length;
    sink.line(bytes, offset, n);
  }

  private void append(byte[] bytes, int offset, int length) {
    if (partialLength + length > partial.length) {
      partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
    }
    System.arraycopy(bytes, offset, partial, partialLength, length);
    partialLength += length;
  }
}
