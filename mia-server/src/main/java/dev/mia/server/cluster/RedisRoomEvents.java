package dev.mia.server.cluster;

import dev.mia.server.socketio.RoomEvents;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room events between servers on one Redis pub/sub channel, {@code <prefix>room-events}, through a
 * Redisson topic. Every server publishes the events it sends to sessions' rooms ({@link
 * RoomMessage}, stamped with its id) and subscribes to the channel; it hands what the others
 * published to the {@link RoomEvents.Receiver} and drops its own.
 *
 * <p>Order: a session's events are published one after another ({@link PublishLanes}); Redis
 * delivers a channel's messages to a subscriber in the order it received them, and Redisson hands a
 * channel's messages to its listener one at a time, in that order ({@code keepPubSubOrder}, its
 * default). So every server delivers one server's events of a session in the order that server sent
 * them. Events of one session sent by two servers at once (one streams a reply while the other
 * echoes a new message) may interleave differently on each.
 *
 * <p>Every server receives every event, including those for sessions it has no connection of
 * (dropped by the receiver at the cost of a map lookup): one channel keeps subscriptions fixed,
 * where a channel per session would subscribe and unsubscribe on every join and leave. Pub/sub is
 * at-most-once: a server cut off from Redis misses what was sent meanwhile, which a client finds in
 * the session's history on its next join.
 */
final class RedisRoomEvents implements RoomEvents {
  private static final Logger log = LoggerFactory.getLogger(RedisRoomEvents.class);

  private final RTopic topic;
  private final String nodeId;
  private final PublishLanes<byte[]> lanes;
  private volatile Integer listener;

  RedisRoomEvents(RedissonClient redis, String keyPrefix, String nodeId) {
    this.topic = redis.getTopic(keyPrefix + "room-events", ByteArrayCodec.INSTANCE);
    this.nodeId = nodeId;
    this.lanes =
        new PublishLanes<>(
            topic::publishAsync,
            (sessionId, failure) ->
                log.warn(
                    "session {}: a room event did not reach the other servers: {}",
                    sessionId,
                    failure.getClass().getName()));
  }

  @Override
  public void start(Receiver receiver) {
    // Subscribed before the server takes connections: nothing published from then on is missed.
    listener =
        topic
            .addListenerAsync(byte[].class, (channel, bytes) -> receive(receiver, bytes))
            .toCompletableFuture()
            .orTimeout(30, TimeUnit.SECONDS)
            .join();
  }

  private void receive(Receiver receiver, byte[] bytes) {
    RoomMessage message;
    try {
      message = RoomMessage.decode(bytes);
    } catch (IllegalArgumentException e) {
      log.warn("dropped an unreadable room event of {} bytes", bytes.length);
      return;
    }
    if (message.origin().equals(nodeId)) {
      return; // delivered here when it was sent
    }
    try {
      receiver.deliver(message.sessionId(), message.event(), message.payloadJson());
    } catch (RuntimeException e) {
      log.warn(
          "session {}: a room event from server {} could not be delivered: {}",
          message.sessionId(),
          message.origin(),
          e.getClass().getName());
    }
  }

  @Override
  public CompletionStage<Void> publish(String sessionId, String event, String payloadJson) {
    return lanes.publish(
        sessionId, new RoomMessage(nodeId, sessionId, event, payloadJson).encode());
  }

  @Override
  public void close() {
    Integer id = listener;
    if (id != null) {
      topic.removeListenerAsync(id);
    }
  }
}
