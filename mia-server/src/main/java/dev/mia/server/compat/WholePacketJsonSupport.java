package dev.mia.server.compat;

import com.corundumstudio.socketio.protocol.Event;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * netty-socketio's JSON support, reading every event packet to its end. Its own event reader stops
 * right after the name of an event nobody listens to, and at the first argument beyond those the
 * listener declares; a long packet's unread rest then stays in the buffer and is decoded as if it
 * were more packets, which fails and can throw away what follows it (a client sending {@code
 * emit("message", payload, extra)} or an unknown event with a large payload). Open for extension: a
 * subclass may write some values its own way.
 */
public class WholePacketJsonSupport extends JacksonJsonSupport {

  /** Called by the superclass constructor, once its own deserializers exist. */
  @Override
  protected final void init(ObjectMapper mapper) {
    super.init(mapper);
    // Registered later, so it takes precedence over the superclass's event deserializer.
    SimpleModule whole = new SimpleModule("mia-whole-event-packet");
    whole.addDeserializer(Event.class, new WholeEvent(eventDeserializer));
    mapper.registerModule(whole);
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
