package dev.mia.server.socketio;

import dev.mia.core.conversation.ReplyListener;
import dev.mia.server.follow.Followers;
import java.util.function.Function;

/**
 * Socket.IO as one of the transports following sessions: a session's followers here are the
 * connections joined to its room, and a reply goes to them through a {@link ReplyRelay}.
 */
final class RoomTransport implements Followers.Transport {
  private final Function<String, SessionRoom> rooms;

  RoomTransport(Function<String, SessionRoom> rooms) {
    this.rooms = rooms;
  }

  @Override
  public ReplyListener replies(String sessionId) {
    return new ReplyRelay(rooms.apply(sessionId));
  }

  @Override
  public void userMessage(String sessionId, String text, long timestamp, Object sender) {
    rooms
        .apply(sessionId)
        .sendToOthers(
            sender, "user_message", new WirePayloads.UserMessage(sessionId, text, timestamp));
  }
}
