package dev.mia.safetymodel;

import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyClassifiers;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the safety classifier that combines mia-core's rules with a local sentence-embedding
 * model: bge-small-en-v1.5 (quantized, shipped in a Maven artifact, run in-process by ONNX Runtime;
 * nothing is downloaded at run time) under a head trained at build time from the labelled data in
 * {@code mia-safety-model/data} (a logistic regression blended with the vote of the nearest
 * training messages), reading the message whole and sentence by sentence.
 *
 * <p>The tier is the higher of the rules' tier and the model's; the model speaks only when its
 * confidence passes a threshold chosen by cross-validation to keep the tier-1 false alarms of rules
 * and model together under 3%. See {@code docs/DETECTION.md} for the figures, and {@link
 * SafetyModelClassifier} for the threading contract.
 *
 * <pre>{@code
 * SafetyModelClassifier classifier = SafetyModels.standard();
 * ConversationEngine engine = ConversationEngine.builder().safetyClassifier(classifier)...build();
 * // at shutdown
 * classifier.close();
 * }</pre>
 *
 * <p>Each call builds a new classifier that loads the model (about a second, and 150 MB or more of
 * native memory): build one and share it.
 */
public final class SafetyModels {
  /** Messages that may wait for the model unless {@link Builder#queueCapacity} says otherwise. */
  public static final int DEFAULT_QUEUE_CAPACITY = 64;

  // With a time share, the model time an idle model may spend at once before the share paces it:
  // two or three short messages. More lets a burst at a busy moment hold the I/O thread back
  // (25 ms raised the benchmark's p99 time to first chunk by ~8 ms over 10 ms).
  private static final long TIME_SHARE_ALLOWANCE_NANOS = 10_000_000;

  // The share applies while the process has used half its cores' time or more over the last
  // 100 ms: below that the I/O threads have time to spare and the model takes every message.
  private static final double BUSY_AT = 0.5;
  private static final long LOAD_WINDOW_NANOS = 100_000_000;

  private static final int WARM_UP_RUNS = 3;

  // Two sentences, so both the whole-message and the per-sentence paths run.
  private static final String WARM_UP_TEXT =
      "The model is warming up before the server starts. This sentence is only a test.";

  private SafetyModels() {}

  /**
   * {@return the default rules ({@link SafetyClassifiers#standard()}) combined with the model}, on
   * one model thread with one ONNX Runtime thread and a queue of {@value #DEFAULT_QUEUE_CAPACITY}
   *
   * @throws IllegalStateException if the model or the trained head cannot be loaded
   */
  public static SafetyModelClassifier standard() {
    return builder().build();
  }

  /** {@return a builder, set to {@link #standard()}'s configuration} */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link SafetyModelClassifier}. Not thread-safe; build once. */
  public static final class Builder {
    private SafetyClassifier rules = SafetyClassifiers.standard();
    private int threads = 1;
    private int intraOpThreads = 1;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private long queueWaitMillis;
    private double timeShare;

    private Builder() {}

    /**
     * The share of one core's time the model may take while the process is busy (it used half its
     * cores' time or more over the last 100 ms), from 0.01 to 8 (more than 1 only with as many
     * threads); by default no limit. While the process is quiet and the model has no message, the
     * next one is taken free of charge; otherwise, while the model has taken more than its share
     * lately, a new message gets the rules' answer at once and counts in {@link
     * SafetyModelClassifier#fallbacks()}: on a busy machine the model only uses time the server's
     * own threads can spare. A message the model has taken is always finished.
     */
    public Builder timeShare(double share) {
      if (!(share >= 0.01 && share <= 8)) {
        throw new IllegalArgumentException("timeShare must be from 0.01 to 8, was " + share);
      }
      this.timeShare = share;
      return this;
    }

    /**
     * How long a message may wait for a model thread, from 1 ms to 60 s; by default it waits until
     * one is free (the queue's capacity still bounds the backlog). Past the wait it gets the rules'
     * answer and counts in {@link SafetyModelClassifier#fallbacks()}; a message the model has
     * started is always finished.
     */
    public Builder queueWait(Duration wait) {
      Objects.requireNonNull(wait, "wait == null");
      if (wait.compareTo(Duration.ofMillis(1)) < 0 || wait.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("queueWait must be from 1 ms to 60 s, was " + wait);
      }
      this.queueWaitMillis = wait.toMillis();
      return this;
    }

    /** The rules whose tier the model can raise; default {@link SafetyClassifiers#standard()}. */
    public Builder rules(SafetyClassifier rules) {
      this.rules = Objects.requireNonNull(rules, "rules == null");
      return this;
    }

    /**
     * No rules: the model's tier alone. For measuring the model (the evaluator); a deployment keeps
     * the rules, which catch what the model misses.
     */
    public Builder modelOnly() {
      this.rules = message -> SafetyAssessment.NORMAL;
      return this;
    }

    /** Threads that run the model, from 1 to 8; default 1. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 8) {
        throw new IllegalArgumentException("threads must be from 1 to 8, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * ONNX Runtime's threads for one message, 1 or 2; default 1. Two make one message a little
     * faster and use two cores for it.
     */
    public Builder intraOpThreads(int intraOpThreads) {
      if (intraOpThreads < 1 || intraOpThreads > 2) {
        throw new IllegalArgumentException("intraOpThreads must be 1 or 2, was " + intraOpThreads);
      }
      this.intraOpThreads = intraOpThreads;
      return this;
    }

    /**
     * Messages that may wait for a model thread, from 1 to 10,000; default {@value
     * #DEFAULT_QUEUE_CAPACITY}. Past that a message gets the rules' answer at once.
     */
    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity < 1 || queueCapacity > 10_000) {
        throw new IllegalArgumentException(
            "queueCapacity must be from 1 to 10000, was " + queueCapacity);
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * {@return the classifier}, with the model loaded and its threads ready
     *
     * @throws IllegalStateException if the model or the trained head cannot be loaded
     */
    public SafetyModelClassifier build() {
      SentenceEmbedder embedder = new SentenceEmbedder(intraOpThreads);
      SafetyHead head;
      try {
        head = SafetyHead.load().accelerated();
      } catch (RuntimeException e) {
        embedder.close();
        throw e;
      }
      ModelScorer scorer = ModelScorer.of(embedder, head);
      // The first inferences run cold (ONNX Runtime's first allocations, code not yet compiled)
      // and take many times a warm one: run them here, so no user's message pays for them and the
      // time share does not count them against the model.
      try {
        for (int i = 0; i < WARM_UP_RUNS; i++) {
          scorer.score(WARM_UP_TEXT);
        }
      } catch (RuntimeException e) {
        scorer.close();
        throw new IllegalStateException("the safety model failed its first run", e);
      }
      Optional<TimeShare> share =
          timeShare == 0
              ? Optional.empty()
              : Optional.of(
                  new TimeShare(
                      timeShare,
                      TIME_SHARE_ALLOWANCE_NANOS,
                      System::nanoTime,
                      ProcessLoad.ofThisProcess(LOAD_WINDOW_NANOS),
                      BUSY_AT));
      return new ModelSafetyClassifier(
          rules, scorer, threads, queueCapacity, queueWaitMillis, 5_000, share);
    }

    @Override
    public String toString() {
      return "SafetyModels.Builder{rules="
          + rules
          + ", threads="
          + threads
          + ", intraOpThreads="
          + intraOpThreads
          + ", queueCapacity="
          + queueCapacity
          + ", queueWaitMillis="
          + (queueWaitMillis == 0 ? "unbounded" : queueWaitMillis)
          + ", timeShare="
          + (timeShare == 0 ? "unlimited" : timeShare)
          + "}";
    }
  }
}
