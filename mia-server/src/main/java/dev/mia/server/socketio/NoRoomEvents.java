package dev.mia.server.socketio;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The room events of a server that is alone; {@link SessionRoom} does not even publish to it. */
enum NoRoomEvents implements RoomEvents {
  INSTANCE;

  private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

  @Override
  public void start(Receiver receiver) {}

  @Override
  public CompletionStage<Void> publish(String sessionId, String event, String payloadJson) {
    return DONE;
  }
}
