package dev.mia.safetymodel;

import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rules and model combined: the higher of the rules' tier and the model's (see {@link
 * SafetyModelClassifier} for the threading contract). A message the rules already put at tier 3 is
 * not given to the model, since it cannot go higher.
 *
 * <p>The pool is a {@link ThreadPoolExecutor} with a fixed number of daemon threads and an {@link
 * ArrayBlockingQueue}; its default abort policy throws {@link RejectedExecutionException} on a full
 * queue, which {@link #assessAsync} turns into the rules' answer. With a queue wait, a message that
 * no model thread has taken when it runs out gets the rules' answer then, and is never scored: on a
 * machine the model cannot keep up with, the backlog is shed instead of delaying every reply. With
 * a {@link TimeShare}, a message arriving while the model has used up its share of the core gets
 * the rules' answer at once, so the model cannot crowd out the server's own threads. Logs carry
 * counts and exception types, never message text.
 */
final class ModelSafetyClassifier implements SafetyModelClassifier {
  private static final Logger log = LoggerFactory.getLogger(ModelSafetyClassifier.class);
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final int WAITING = 0;
  private static final int RUNNING = 1;
  private static final int SHED = 2;

  private final SafetyClassifier rules;
  private final ModelScorer scorer;
  private final ThreadPoolExecutor pool;
  private final long closeWaitMillis;
  private final long queueWaitMillis;
  private final Optional<TimeShare> timeShare;
  private final AtomicLong fallbacks = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong judged = new AtomicLong();
  private final AtomicLong judgingNanos = new AtomicLong();
  private final ThreadMXBean threadTimes = ManagementFactory.getThreadMXBean();
  private final boolean threadCpuMeasured = threadTimes.isCurrentThreadCpuTimeSupported();
  private final Object closeLock = new Object();

  /** Guarded by {@link #closeLock}. */
  private boolean closed;

  ModelSafetyClassifier(
      SafetyClassifier rules,
      ModelScorer scorer,
      int threads,
      int queueCapacity,
      long queueWaitMillis, // 0: no bound
      long closeWaitMillis,
      Optional<TimeShare> timeShare) {
    this.timeShare = Objects.requireNonNull(timeShare, "timeShare == null");
    this.queueWaitMillis = queueWaitMillis;
    this.rules = Objects.requireNonNull(rules, "rules == null");
    this.scorer = Objects.requireNonNull(scorer, "scorer == null");
    this.closeWaitMillis = closeWaitMillis;
    int poolNumber = POOLS.incrementAndGet();
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread =
              new Thread(
                  task, "mia-safety-model-" + poolNumber + "-" + threadNumber.incrementAndGet());
          // A forgotten close() must not keep the JVM alive.
          thread.setDaemon(true);
          return thread;
        };
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            factory);
  }

  @Override
  public CompletionStage<SafetyAssessment> assessAsync(String message) {
    Objects.requireNonNull(message, "message == null");
    SafetyAssessment byRules = rules.assess(message);
    if (byRules.tier() == SafetyTier.CRITICAL) {
      return CompletableFuture.completedFuture(byRules);
    }
    long reserved = 0;
    if (timeShare.isPresent()) {
      OptionalLong reservation = timeShare.get().reserve();
      if (reservation.isEmpty()) {
        long count = fallbacks.incrementAndGet();
        log.debug("safety model past its share of the core; rules' tier only (fallback {})", count);
        return CompletableFuture.completedFuture(byRules);
      }
      reserved = reservation.getAsLong();
    }
    Job job = new Job(message, byRules, reserved);
    try {
      pool.execute(job);
    } catch (RejectedExecutionException e) {
      timeShare.ifPresent(share -> share.refund(job.reserved));
      long count = fallbacks.incrementAndGet();
      log.debug("safety model queue full or closed; rules' tier only (fallback {})", count);
      return CompletableFuture.completedFuture(byRules);
    }
    if (queueWaitMillis > 0) {
      // Runs on the JDK's shared delay thread, as do stages the caller chained without an
      // executor (the engine gives its own); shed() itself only flips a flag.
      CompletableFuture.delayedExecutor(queueWaitMillis, TimeUnit.MILLISECONDS, Runnable::run)
          .execute(job::shed);
    }
    return job.result;
  }

  @Override
  public SafetyAssessment assess(String message) {
    return assessAsync(message).toCompletableFuture().join();
  }

  @Override
  public long fallbacks() {
    return fallbacks.get();
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public long judged() {
    return judged.get();
  }

  @Override
  public long judgingNanos() {
    return judgingNanos.get();
  }

  /** The calling thread's CPU time where the JVM measures it (see {@link #judgingNanos}). */
  private long processorNanos() {
    return threadCpuMeasured ? threadTimes.getCurrentThreadCpuTime() : System.nanoTime();
  }

  /** One message waiting for, or in, the model. */
  private final class Job implements Runnable {
    final String message;
    final SafetyAssessment byRules;
    final CompletableFuture<SafetyAssessment> result = new CompletableFuture<>();
    // WAITING until a model thread takes it (RUNNING), or its wait runs out or the classifier
    // closes first (SHED): whichever comes first decides, so a started message is never cut off.
    final AtomicInteger state = new AtomicInteger(WAITING);

    // The model time reserved for it in the time share (0 without one).
    final long reserved;

    Job(String message, SafetyAssessment byRules, long reserved) {
      this.message = message;
      this.byRules = byRules;
      this.reserved = reserved;
    }

    /** Gives the rules' answer, unless a model thread has taken the message already. */
    void shed() {
      if (state.compareAndSet(WAITING, SHED)) {
        timeShare.ifPresent(share -> share.refund(reserved));
        fallbacks.incrementAndGet();
        result.complete(byRules);
      }
    }

    @Override
    public void run() {
      if (!state.compareAndSet(WAITING, RUNNING)) {
        return;
      }
      SafetyAssessment combined = byRules;
      long start = System.nanoTime();
      long processorStart = processorNanos();
      try {
        combined = byRules.max(scorer.score(message));
        judged.incrementAndGet();
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        log.warn("safety model failed ({}); keeping the rules' tier", e.getClass().getName());
      } catch (Error e) {
        result.complete(byRules);
        throw e;
      } finally {
        judgingNanos.addAndGet(processorNanos() - processorStart);
        long spent = System.nanoTime() - start;
        timeShare.ifPresent(share -> share.settle(reserved, spent));
      }
      result.complete(combined);
    }
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    pool.shutdown();
    boolean stopped = awaitTermination(closeWaitMillis);
    if (!stopped) {
      List<Runnable> waiting = pool.shutdownNow();
      for (Runnable runnable : waiting) {
        ((Job) runnable).shed(); // counted once, even if its wait ran out already
      }
      stopped = awaitTermination(closeWaitMillis);
    }
    if (stopped) {
      scorer.close();
    } else {
      // Freeing the native session under a running inference could crash the JVM; leak it instead.
      log.warn("safety model threads did not stop; the model is left open");
    }
  }

  private boolean awaitTermination(long millis) {
    try {
      return pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return pool.isTerminated();
    }
  }

  /** {@return whether every pool thread has ended (for tests)} */
  boolean terminated() {
    return pool.isTerminated();
  }

  @Override
  public String toString() {
    return "ModelSafetyClassifier{threads="
        + pool.getMaximumPoolSize()
        + ", queueCapacity="
        + (pool.getQueue().size() + pool.getQueue().remainingCapacity())
        + ", fallbacks="
        + fallbacks.get()
        + ", failures="
        + failures.get()
        + ", timeShare="
        + timeShare.map(TimeShare::toString).orElse("none")
        + "}";
  }
}
