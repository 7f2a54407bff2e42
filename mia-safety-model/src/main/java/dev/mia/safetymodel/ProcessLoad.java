package dev.mia.safetymodel;

import java.lang.management.ManagementFactory;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * How busy this process has been lately: the CPU time it used over the last window divided by the
 * time its cores had, from 0 (idle) to 1 (every core busy). Sampled at most once a window, when
 * asked; between samples the last figure stands, and before the first window it reads 0.
 * Thread-safe.
 */
final class ProcessLoad implements DoubleSupplier {
  private final LongSupplier cpuNanos;
  private final LongSupplier wallNanos;
  private final int cores;
  private final long windowNanos;

  /** Guarded by this. */
  private long lastCpu;

  /** Guarded by this. */
  private long lastWall;

  /** Guarded by this. */
  private double load;

  ProcessLoad(LongSupplier cpuNanos, LongSupplier wallNanos, int cores, long windowNanos) {
    if (cores < 1 || windowNanos < 1) {
      throw new IllegalArgumentException("cores and window must be positive");
    }
    this.cpuNanos = cpuNanos;
    this.wallNanos = wallNanos;
    this.cores = cores;
    this.windowNanos = windowNanos;
    this.lastCpu = cpuNanos.getAsLong();
    this.lastWall = wallNanos.getAsLong();
  }

  /**
   * {@return this JVM's load over windows of {@code windowNanos}}, from the process CPU time the
   * JVM reports and the cores it may use; a JVM that reports no CPU time reads as idle
   */
  static ProcessLoad ofThisProcess(long windowNanos) {
    java.lang.management.OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
    LongSupplier cpu =
        bean instanceof com.sun.management.OperatingSystemMXBean os
            ? () -> Math.max(0, os.getProcessCpuTime())
            : () -> 0;
    return new ProcessLoad(
        cpu, System::nanoTime, Runtime.getRuntime().availableProcessors(), windowNanos);
  }

  @Override
  public synchronized double getAsDouble() {
    long wall = wallNanos.getAsLong();
    long elapsed = wall - lastWall;
    if (elapsed >= windowNanos) {
      long cpu = cpuNanos.getAsLong();
      load = Math.min(1, Math.max(0, (double) (cpu - lastCpu) / ((double) elapsed * cores)));
      lastCpu = cpu;
      lastWall = wall;
    }
    return load;
  }

  @Override
  public String toString() {
    return "ProcessLoad{cores=" + cores + ", windowNanos=" + windowNanos + "}";
  }
}
