package dev.mia.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionFollowersTest {
  private static Map<Channel, String> followersOf(SessionFollowers<String> following, String id) {
    Map<Channel, String> seen = new HashMap<>();
    following.forEach(id, seen::put);
    return seen;
  }

  @Test
  void eachFollowerOfASessionIsReachedWithWhatItKnowsOfIt() {
    SessionFollowers<String> following = new SessionFollowers<>();
    EmbeddedChannel tab = new EmbeddedChannel();
    EmbeddedChannel phone = new EmbeddedChannel();

    following.follow("session_a", tab, "mine");
    following.follow("session_a", phone, "session_a");

    assertEquals(Map.of(tab, "mine", phone, "session_a"), followersOf(following, "session_a"));
  }

  @Test
  void unfollowingAChannelLeavesTheOtherFollowersAndDropsSessionsLeftEmpty() {
    SessionFollowers<String> following = new SessionFollowers<>();
    EmbeddedChannel leaving = new EmbeddedChannel();
    EmbeddedChannel staying = new EmbeddedChannel();
    following.follow("session_a", leaving, "a");
    following.follow("session_b", leaving, "b");
    following.follow("session_b", staying, "b");

    following.unfollowAll(leaving);

    assertEquals(Map.of(), followersOf(following, "session_a"));
    assertEquals(Map.of(staying, "b"), followersOf(following, "session_b"));
    assertEquals(1, following.sessions());
  }

  @Test
  void aSessionIsFollowedOnlyWhileAConnectionFollowsIt() {
    SessionFollowers<String> following = new SessionFollowers<>();
    EmbeddedChannel tab = new EmbeddedChannel();

    assertFalse(following.followed("session_a"));
    following.follow("session_a", tab, "a");
    assertTrue(following.followed("session_a"));
    following.unfollowAll(tab);
    assertFalse(following.followed("session_a"));
  }

  @Test
  void aChannelClosedBeforeItFollowsIsLeftOut() {
    SessionFollowers<String> following = new SessionFollowers<>();
    EmbeddedChannel closed = new EmbeddedChannel();
    closed.close();

    following.follow("session_a", closed, "a");

    assertEquals(0, following.sessions());
  }

  @Test
  void manyClosingChannelsLeaveNothingBehind() {
    SessionFollowers<String> following = new SessionFollowers<>();
    List<EmbeddedChannel> channels = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      EmbeddedChannel channel = new EmbeddedChannel();
      channels.add(channel);
      following.follow("session_" + i, channel, "s");
      following.follow("session_shared", channel, "s");
    }

    channels.forEach(following::unfollowAll);

    assertEquals(0, following.sessions());
  }
}
