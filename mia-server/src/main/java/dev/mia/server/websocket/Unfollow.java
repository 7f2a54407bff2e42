package dev.mia.server.websocket;

import io.netty.channel.Channel;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * Ending a connection's following of sessions, for the endpoints that keep followers per session.
 */
final class Unfollow {
  private Unfollow() {}

  /**
   * Takes {@code channel} out of every session's followers in {@code following} ({@code channels}
   * gives the live view of one session's), and drops the sessions it leaves without any.
   */
  static <V> void everywhere(
      Map<String, V> following, Function<V, Collection<Channel>> channels, Channel channel) {
    following.forEach(
        (id, followers) -> {
          Collection<Channel> live = channels.apply(followers);
          live.remove(channel);
          if (live.isEmpty()) {
            following.remove(id, followers);
          }
        });
  }
}
