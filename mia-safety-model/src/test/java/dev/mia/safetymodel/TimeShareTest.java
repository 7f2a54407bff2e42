package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How the model's share of the core admits messages, on a clock the test moves. */
class TimeShareTest {
  private static final long MS = 1_000_000;

  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private double load = 0.9; // a busy process, unless a test says otherwise

  private TimeShare share(double share, long allowanceNanos) {
    return new TimeShare(share, allowanceNanos, now::get, () -> load, 0.5);
  }

  @Test
  void anIdleShareAdmitsMessagesUntilItsAllowanceIsSpent() {
    TimeShare share = share(0.1, 10 * MS);

    assertEquals(OptionalLong.of(TimeShare.FIRST_GUESS_NANOS), share.reserve());
    assertEquals(OptionalLong.of(TimeShare.FIRST_GUESS_NANOS), share.reserve());
    assertEquals(OptionalLong.of(TimeShare.FIRST_GUESS_NANOS), share.reserve());
    assertEquals(OptionalLong.empty(), share.reserve());
  }

  @Test
  void theBalanceRefillsAtTheShareOfTheTimeThatPasses() {
    TimeShare share = share(0.1, 0);
    share.reserve(); // balance -5 ms
    assertEquals(OptionalLong.empty(), share.reserve());

    now.addAndGet(49 * MS); // +4.9 ms
    assertEquals(OptionalLong.empty(), share.reserve());
    now.addAndGet(1 * MS); // +0.1 ms: back to zero

    assertTrue(share.reserve().isPresent());
  }

  @Test
  void aMessageThatTookLessThanReservedLeavesTheRestInTheBalance() {
    TimeShare share = share(0.1, 0);
    long reserved = share.reserve().getAsLong();
    assertEquals(OptionalLong.empty(), share.reserve());

    share.settle(reserved, 0);

    assertTrue(share.reserve().isPresent());
  }

  @Test
  void aMessageThatTookLongerKeepsTheModelOutLonger() {
    TimeShare share = share(0.1, 0);
    long reserved = share.reserve().getAsLong();
    share.settle(reserved, 20 * MS); // balance -20 ms: 200 ms of wall time to earn back

    now.addAndGet(199 * MS);
    assertEquals(OptionalLong.empty(), share.reserve());
    now.addAndGet(1 * MS);

    assertTrue(share.reserve().isPresent());
  }

  @Test
  void aMessageShedBeforeItRanGivesItsReservationBack() {
    TimeShare share = share(0.1, 0);
    long reserved = share.reserve().getAsLong();
    assertEquals(OptionalLong.empty(), share.reserve());

    share.refund(reserved);

    assertTrue(share.reserve().isPresent());
  }

  @Test
  void theReservationFollowsWhatMessagesHaveBeenTaking() {
    TimeShare share = share(1, 100 * MS);
    for (int i = 0; i < 100; i++) {
      long reserved = share.reserve().getAsLong();
      share.settle(reserved, 2 * MS);
      now.addAndGet(10 * MS);
    }

    long guess = share.reserve().getAsLong();

    assertTrue(guess >= 2 * MS && guess < 2 * MS + 50_000, "guess " + guess);
  }

  @Test
  void underAFloodTheModelTakesItsShareOfTheTimeAndNoMore() {
    TimeShare share = share(0.1, 10 * MS);
    long modelTime = 0;
    int admitted = 0;
    // A message every millisecond for ten seconds; each one admitted takes 4 ms of model time.
    for (int i = 0; i < 10_000; i++) {
      OptionalLong reserved = share.reserve();
      if (reserved.isPresent()) {
        admitted++;
        modelTime += 4 * MS;
        share.settle(reserved.getAsLong(), 4 * MS);
      }
      now.addAndGet(MS);
    }

    // 10% of 10 s is 1 s; the allowance and one message past zero add at most 14 ms.
    assertTrue(modelTime >= 990 * MS && modelTime <= 1_014 * MS, "model time " + modelTime);
    assertTrue(admitted >= 247 && admitted <= 254, "admitted " + admitted);
  }

  @Test
  void whileTheProcessIsNotBusyEveryMessageIsTakenFreeOfCharge() {
    TimeShare share = share(0.1, 0);
    load = 0.3;

    for (int i = 0; i < 100; i++) {
      long reserved = share.reserve().getAsLong();
      assertEquals(0, reserved);
      share.settle(reserved, 20 * MS);
    }

    load = 0.9;
    assertTrue(share.reserve().isPresent(), "nothing taken while quiet was charged");
    assertEquals(OptionalLong.empty(), share.reserve());
  }

  @Test
  void whileTheModelHasAMessageTheNextOneIsChargedEvenIfTheProcessIsQuiet() {
    TimeShare share = share(0.1, 0);
    load = 0.3;
    long free = share.reserve().getAsLong();

    OptionalLong second = share.reserve();
    OptionalLong third = share.reserve();

    assertEquals(0, free);
    assertEquals(OptionalLong.of(TimeShare.FIRST_GUESS_NANOS), second);
    assertEquals(OptionalLong.empty(), third);
  }

  @Test
  void aFreeMessageShedBeforeItRanGivesNothingBack() {
    TimeShare share = share(0.1, 0);
    long charged = share.reserve().getAsLong(); // busy: balance -5 ms
    share.settle(charged, charged); // it took what it reserved: the balance stays at -5 ms
    load = 0.3;
    long free = share.reserve().getAsLong();
    load = 0.9;

    share.refund(free);

    assertEquals(OptionalLong.empty(), share.reserve());
  }

  @Test
  void aShareMustBeAboveZero() {
    assertThrows(IllegalArgumentException.class, () -> share(0, MS));
    assertThrows(IllegalArgumentException.class, () -> share(Double.NaN, MS));
  }
}
