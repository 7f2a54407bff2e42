package dev.mia.server.websocket;

import io.netty.channel.Channel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The connections of one endpoint that follow each session, each with what it knows of it ({@code
 * F}), and the sessions each connection follows, so that a connection that closes leaves only its
 * own sessions (not a scan of every session, which 10,000 closing at once would make quadratic).
 * Thread-safe: connections follow from their own threads while replies go out from others.
 */
final class SessionFollowers<F> {
  private final Map<String, Map<Channel, F>> bySession = new ConcurrentHashMap<>();
  private final Map<Channel, Set<String>> byChannel = new ConcurrentHashMap<>();

  /**
   * Makes {@code channel} follow {@code sessionId}, known to it as {@code how} (replacing what it
   * knew). A channel closed meanwhile is left out, as if it had closed just after.
   */
  void follow(String sessionId, Channel channel, F how) {
    byChannel.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(sessionId);
    bySession.compute(
        sessionId,
        (id, channels) -> {
          Map<Channel, F> following = channels == null ? new ConcurrentHashMap<>() : channels;
          following.put(channel, how);
          return following;
        });
    if (!channel.isActive()) {
      unfollowAll(channel); // its close may have run before this follow: undo it
    }
  }

  /** {@return whether any connection follows {@code sessionId}} */
  boolean followed(String sessionId) {
    return bySession.containsKey(sessionId);
  }

  /** Runs {@code action} for each connection following {@code sessionId}. */
  void forEach(String sessionId, BiConsumer<Channel, F> action) {
    bySession.getOrDefault(sessionId, Map.of()).forEach(action);
  }

  /** Ends every following of {@code channel}; sessions left without followers go. */
  void unfollowAll(Channel channel) {
    Set<String> sessions = byChannel.remove(channel);
    if (sessions == null) {
      return;
    }
    for (String sessionId : sessions) {
      bySession.computeIfPresent(
          sessionId,
          (id, channels) -> {
            channels.remove(channel);
            return channels.isEmpty() ? null : channels;
          });
    }
  }

  /** {@return how many sessions have followers} */
  int sessions() {
    return bySession.size();
  }
}
