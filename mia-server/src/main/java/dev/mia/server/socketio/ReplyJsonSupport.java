package dev.mia.server.socketio;

import dev.mia.server.compat.WholePacketJsonSupport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server's JSON support: netty-socketio's, reading whole packets ({@link
 * WholePacketJsonSupport}), with the one event that goes out for every piece of every reply, {@code
 * message_chunk}, written straight into the buffer ({@link #writeChunk}, the bytes Jackson writes)
 * instead of through a generator and the mapper's serializer lookup for a list holding a record.
 * Everything else goes the usual way.
 */
final class ReplyJsonSupport extends WholePacketJsonSupport {

  @Override
  public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
    if (value instanceof List<?> args
        && args.size() == 2
        && args.get(0) instanceof String name
        && args.get(1) instanceof WirePayloads.Chunk chunk
        && writeChunk(out.buffer(), name, chunk)) {
      return;
    }
    super.writeValue(out, value);
  }

  /** {@return {@code value} as JSON, as it is written into an event packet} */
  String toJson(Object value) {
    try {
      return objectMapper.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Appends {@code [event,{"sessionId":…,"chunk":…}]} as Jackson writes it; {@return false, with
   * nothing written, if Jackson has to write it (a lone surrogate)}
   */
  static boolean writeChunk(ByteBuf buf, String event, WirePayloads.Chunk chunk) {
    int start = buf.writerIndex();
    buf.writeByte('[');
    boolean written = JsonStrings.write(buf, event);
    buf.writeCharSequence(",{\"sessionId\":", StandardCharsets.US_ASCII);
    written = written && JsonStrings.write(buf, chunk.sessionId());
    buf.writeCharSequence(",\"chunk\":", StandardCharsets.US_ASCII);
    written = written && JsonStrings.write(buf, chunk.chunk());
    buf.writeByte('}').writeByte(']');
    if (!written) {
      buf.writerIndex(start);
    }
    return written;
  }
}
