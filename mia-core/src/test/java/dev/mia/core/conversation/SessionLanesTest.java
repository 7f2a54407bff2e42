package dev.mia.core.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionLanesTest {
  private final SessionLanes lanes = new SessionLanes(2);
  private final Runnable first = () -> {};
  private final Runnable second = () -> {};
  private final Runnable third = () -> {};

  @Test
  void firstTurnOfASessionRunsAtOnce() {
    assertEquals(0, lanes.enter("s", first));
  }

  @Test
  void laterTurnsWaitAndCountWhoIsAhead() {
    lanes.enter("s", first);

    assertEquals(1, lanes.enter("s", second));
    assertEquals(2, lanes.enter("s", third));
  }

  @Test
  void turnBeyondTheBoundIsRefused() {
    lanes.enter("s", first);
    lanes.enter("s", second);
    lanes.enter("s", third);

    assertEquals(SessionLanes.FULL, lanes.enter("s", () -> {}));
  }

  @Test
  void sessionsHaveLanesOfTheirOwn() {
    lanes.enter("a", first);

    assertEquals(0, lanes.enter("b", second));
  }

  @Test
  void leavingHandsBackTheWaitingTurnsInArrivalOrder() {
    lanes.enter("s", first);
    lanes.enter("s", second);
    lanes.enter("s", third);

    assertSame(second, lanes.leave("s").orElseThrow());
    assertSame(third, lanes.leave("s").orElseThrow());
    assertEquals(Optional.empty(), lanes.leave("s"));
  }

  @Test
  void laneIsFreeAgainOnceEveryTurnLeft() {
    lanes.enter("s", first);
    lanes.leave("s");

    assertTrue(lanes.isIdle());
    assertEquals(0, lanes.enter("s", second));
  }

  @Test
  void laneWithARunningTurnIsNotIdle() {
    lanes.enter("s", first);

    assertFalse(lanes.isIdle());
  }

  @Test
  void leavingMakesRoomForAnotherWaitingTurn() {
    lanes.enter("s", first);
    lanes.enter("s", second);
    lanes.enter("s", third);
    lanes.leave("s");

    assertEquals(2, lanes.enter("s", () -> {}));
  }
}
