package dev.mia.server;

import com.corundumstudio.socketio.protocol.Event;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
   * A {@code message_chunk} goes out once per piece of every reply, so it is written field by field
   * with the mapper's own generator (same escaping, same bytes) instead of through the mapper's
   * serializer lookup for a list holding a record. Everything else goes the usual way.
   */
  @Override
  public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
    if (value instanceof List<?> args
        && args.size() == 2
        && args.get(0) instanceof String name
        && args.get(1) instanceof WirePayloads.Chunk chunk) {
      try (JsonGenerator g = objectMapper.getFactory().createGenerator((OutputStream) out)) {
        g.writeStartArray();
        g.writeString(name);
        g.writeStartObject();
        g.writeStringField("sessionId", chunk.sessionId());
        g.writeStringField("chunk", chunk.chunk());
        g.writeEndObject();
        g.writeEndArray();
      }
      return;
    }
    super.writeValue(out, value);
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
