package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The process's load, on CPU and wall clocks the test moves. */
class ProcessLoadTest {
  private static final long MS = 1_000_000;

  private final AtomicLong cpu = new AtomicLong();
  private final AtomicLong wall = new AtomicLong(5_000 * MS);
  private final ProcessLoad load = new ProcessLoad(cpu::get, wall::get, 2, 100 * MS);

  @Test
  void itReadsIdleBeforeTheFirstWindowHasPassed() {
    cpu.addAndGet(50 * MS);
    wall.addAndGet(50 * MS);

    assertEquals(0.0, load.getAsDouble());
  }

  @Test
  void itIsTheCpuTimeUsedOverTheTimeAllCoresHad() {
    cpu.addAndGet(150 * MS);
    wall.addAndGet(100 * MS);

    assertEquals(0.75, load.getAsDouble(), 1e-9);
  }

  @Test
  void withinAWindowTheLastFigureStands() {
    cpu.addAndGet(200 * MS);
    wall.addAndGet(100 * MS);
    assertEquals(1.0, load.getAsDouble(), 1e-9);

    wall.addAndGet(50 * MS); // no CPU used, but the window is not over

    assertEquals(1.0, load.getAsDouble(), 1e-9);
    wall.addAndGet(50 * MS);
    assertEquals(0.0, load.getAsDouble(), 1e-9);
  }

  @Test
  void thisProcessReadsBetweenIdleAndBusy() {
    ProcessLoad real = ProcessLoad.ofThisProcess(1);
    // The JVM may count process CPU time in clock ticks (10 ms): spin for several.
    long end = System.nanoTime() + 60 * MS;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }

    double reading = real.getAsDouble();

    assertTrue(reading > 0 && reading <= 1, "load " + reading);
  }
}
