package dev.mia.core.conversation;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps each session's messages in single file: at most one turn of a session runs at a time, the
 * others wait in arrival order, up to a bound. A session with nothing running holds no entry.
 */
final class SessionLanes {
  /** Returned by {@link #enter} when the lane is full. */
  static final int FULL = -1;

  private static final class Lane {
    // Guarded by the map's lock on this lane's key: only touched inside compute.
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
  private final int maxWaiting;

  SessionLanes(int maxWaiting) {
    this.maxWaiting = maxWaiting;
  }

  /**
   * Puts a turn in its session's lane. {@return 0 if the caller should run it now; the number of
   * turns ahead of it if it was queued (it is handed back by {@link #leave} when its time comes);
   * {@link #FULL} if the lane is full and the turn was not taken}
   */
  int enter(String sessionId, Runnable turn) {
    int[] ahead = new int[1];
    lanes.compute(
        sessionId,
        (id, lane) -> {
          if (lane == null) {
            ahead[0] = 0;
            return new Lane();
          }
          if (lane.waiting.size() >= maxWaiting) {
            ahead[0] = FULL;
          } else {
            lane.waiting.addLast(turn);
            ahead[0] = lane.waiting.size();
          }
          return lane;
        });
    return ahead[0];
  }

  /** Ends the running turn of a session; {@return the next turn to run, if one waits} */
  Optional<Runnable> leave(String sessionId) {
    Runnable[] next = new Runnable[1];
    lanes.computeIfPresent(
        sessionId,
        (id, lane) -> {
          next[0] = lane.waiting.pollFirst();
          return next[0] == null ? null : lane;
        });
    return Optional.ofNullable(next[0]);
  }

  /** {@return whether no turn runs or waits in any session} */
  boolean isIdle() {
    return lanes.isEmpty();
  }
}
