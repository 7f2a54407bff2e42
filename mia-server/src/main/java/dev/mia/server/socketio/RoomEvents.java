package dev.mia.server.socketio;

import java.util.concurrent.CompletionStage;

/**
 * Carries the events this server sends to a session's room to the other servers of a cluster, and
 * theirs to this one, so that a user's connections on different servers see one conversation. A
 * server delivers what it sends to its own connections itself; what arrives here from the others it
 * hands to a {@link Receiver}, which delivers it to this server's connections only (never back).
 * The events one server publishes for one session reach every other server in the order it
 * published them. {@link #none()} is the single-server case: nothing is carried. Thread-safe.
 */
public interface RoomEvents extends AutoCloseable {

  /** Delivers an event another server sent to a room, to this server's connections in it. */
  @FunctionalInterface
  interface Receiver {
    /**
     * Delivers one event. Called for one session on one thread at a time, in publishing order.
     *
     * @param payloadJson the event's payload as JSON, as the sending server wrote it
     */
    void deliver(String sessionId, String event, String payloadJson);
  }

  /** Starts handing what other servers publish to {@code receiver}; called once, before any use. */
  void start(Receiver receiver);

  /**
   * Sends one event of the room of {@code sessionId} to the other servers, after the events of that
   * session published before it. {@return a stage that completes once the event has gone out; it
   * never fails (an event that could not go out is logged and dropped)}
   */
  CompletionStage<Void> publish(String sessionId, String event, String payloadJson);

  /** Stops carrying events; by default there is nothing to stop. */
  @Override
  default void close() {}

  /** {@return the room events of a server that is alone: nothing to carry} */
  static RoomEvents none() {
    return NoRoomEvents.INSTANCE;
  }
}
