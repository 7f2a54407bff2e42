package dev.mia.server;

import com.corundumstudio.socketio.protocol.Event;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * netty-socketio's JSON support, reading every event packet to its end. Its own event reader stops
 * right after the name of an event nobody listens to, and at the first argument beyond those the
 * listener declares; a long packet's unread rest then stays in the buffer and is decoded as if it
 * were more packets, which fails and can throw away what follows it (a client sending {@code
 * emit("message", payload, extra)} or an unknown event with a large payload).
 */
final class WholePacketJsonSupport extends JacksonJsonSupport {

  /** Called by the superclass constructor, once its own deserializers exist. */
  @Override
  protected void init(ObjectMapper mapper) {
    super.init(mapper);
    // Registered later, so it takes precedence over the superclass's event deserializer.
    SimpleModule whole = new SimpleModule("mia-whole-event-packet");
    whole.addDeserializer(Event.class, new WholeEvent(eventDeserializer));
    mapper.registerModule(whole);
  }

  /**
   * A {@code message_chunk} goes out once per piece of every reply, so it is written straight into
   * the buffer ({@link #writeChunk}, the bytes Jackson writes) instead of through a generator and
   * the mapper's serializer lookup for a list holding a record. Everything else goes the usual way.
   */
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

  /** Lets the library read the event, then reads on to the end of the event's array. */
  private static final class WholeEvent extends StdDeserializer<Event> {
    private final transient JsonDeserializer<Event> partial;

    WholeEvent(JsonDeserializer<Event> partial) {
      super(Event.class);
      this.partial = partial;
    }

    @Override
    public Event deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      Event event = partial.deserialize(parser, context);
      while (!parser.getParsingContext().inRoot() && parser.nextToken() != null) {
        // skipping arguments nobody reads
      }
      return event;
    }
  }
}
