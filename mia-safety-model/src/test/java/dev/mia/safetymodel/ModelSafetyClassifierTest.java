package dev.mia.safetymodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.safety.SafetyAssessment;
import dev.mia.core.safety.SafetyClassifier;
import dev.mia.core.safety.SafetyTier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The threading and combining of the classifier, with a scorer the test controls. */
class ModelSafetyClassifierTest {
  private static final SafetyAssessment RULES_TWO =
      new SafetyAssessment(SafetyTier.MODERATE, "substance");
  private static final SafetyAssessment MODEL_THREE =
      new SafetyAssessment(SafetyTier.CRITICAL, "model-critical");
  private static final SafetyAssessment MODEL_TWO =
      new SafetyAssessment(SafetyTier.MODERATE, "model-moderate");

  /** A scorer that answers from a function, optionally waiting for a latch first. */
  private static final class FakeScorer implements ModelScorer {
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final Set<String> scored = ConcurrentHashMap.newKeySet();
    final CountDownLatch release;
    final CountDownLatch started = new CountDownLatch(1);
    final AtomicBoolean closed = new AtomicBoolean();
    final java.util.function.Function<String, SafetyAssessment> answer;

    FakeScorer(
        CountDownLatch release, java.util.function.Function<String, SafetyAssessment> answer) {
      this.release = release;
      this.answer = answer;
    }

    @Override
    public SafetyAssessment score(String message) {
      threads.add(Thread.currentThread().getName());
      scored.add(message);
      started.countDown();
      if (release != null) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return answer.apply(message);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private static ModelSafetyClassifier classifier(
      SafetyClassifier rules, ModelScorer scorer, int queue) {
    return new ModelSafetyClassifier(rules, scorer, 1, queue, 0, 2_000, Optional.empty());
  }

  @Test
  void theModelNeverRunsOnTheCallingThread() {
    FakeScorer scorer = new FakeScorer(null, m -> MODEL_TWO);
    try (ModelSafetyClassifier classifier = classifier(m -> SafetyAssessment.NORMAL, scorer, 8)) {
      classifier.assessAsync("hello").toCompletableFuture().join();
      classifier.assess("hello again");
      assertFalse(scorer.threads.contains(Thread.currentThread().getName()));
      assertTrue(scorer.threads.stream().allMatch(t -> t.startsWith("mia-safety-model-")));
    }
  }

  @Test
  void assessAsyncReturnsBeforeTheModelAnswers() {
    CountDownLatch release = new CountDownLatch(1);
    FakeScorer scorer = new FakeScorer(release, m -> MODEL_THREE);
    try (ModelSafetyClassifier classifier = classifier(m -> SafetyAssessment.NORMAL, scorer, 8)) {
      CompletableFuture<SafetyAssessment> stage =
          classifier.assessAsync("hello").toCompletableFuture();
      assertFalse(stage.isDone());
      release.countDown();
      assertEquals(MODEL_THREE, stage.join());
    }
  }

  @Test
  void theCombinedTierIsTheHigherOfRulesAndModel() {
    try (ModelSafetyClassifier modelHigher =
            classifier(m -> RULES_TWO, new FakeScorer(null, m -> MODEL_THREE), 8);
        ModelSafetyClassifier rulesHigher =
            classifier(m -> RULES_TWO, new FakeScorer(null, m -> SafetyAssessment.NORMAL), 8);
        ModelSafetyClassifier tie =
            classifier(m -> RULES_TWO, new FakeScorer(null, m -> MODEL_TWO), 8)) {
      assertEquals(MODEL_THREE, modelHigher.assess("x"));
      assertEquals(RULES_TWO, rulesHigher.assess("x"));
      assertEquals(RULES_TWO, tie.assess("x"), "on a tie the rules' category is kept");
    }
  }

  @Test
  void aRulesTierThreeSkipsTheModel() {
    FakeScorer scorer = new FakeScorer(null, m -> SafetyAssessment.NORMAL);
    SafetyAssessment critical = new SafetyAssessment(SafetyTier.CRITICAL, "suicidal-ideation");
    try (ModelSafetyClassifier classifier = classifier(m -> critical, scorer, 8)) {
      assertEquals(critical, classifier.assess("x"));
      assertTrue(scorer.threads.isEmpty());
    }
  }

  @Test
  void aFullQueueFallsBackToTheRulesAtOnceAndCountsIt() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    FakeScorer scorer = new FakeScorer(release, m -> MODEL_THREE);
    try (ModelSafetyClassifier classifier = classifier(m -> RULES_TWO, scorer, 1)) {
      CompletableFuture<SafetyAssessment> running =
          classifier.assessAsync("one").toCompletableFuture();
      assertTrue(scorer.started.await(10, TimeUnit.SECONDS));
      CompletableFuture<SafetyAssessment> queued =
          classifier.assessAsync("two").toCompletableFuture();
      CompletableFuture<SafetyAssessment> rejected =
          classifier.assessAsync("three").toCompletableFuture();
      assertTrue(rejected.isDone());
      assertEquals(RULES_TWO, rejected.join());
      assertEquals(1, classifier.fallbacks());
      release.countDown();
      assertEquals(MODEL_THREE, running.join());
      assertEquals(MODEL_THREE, queued.join());
    }
  }

  /** Rules at tier 2, and a tenth of a core for a process that is always busy, on {@code clock}. */
  private static ModelSafetyClassifier withBusyShare(AtomicLong clock, ModelScorer scorer) {
    TimeShare share = new TimeShare(0.1, 0, clock::get, () -> 1.0, 0.5);
    return new ModelSafetyClassifier(m -> RULES_TWO, scorer, 1, 8, 0, 2_000, Optional.of(share));
  }

  @Test
  void aMessageArrivingWhenTheModelHasUsedItsShareGetsTheRulesAnswerAtOnceAndIsNeverScored() {
    AtomicLong clock = new AtomicLong();
    FakeScorer scorer = new FakeScorer(null, m -> MODEL_THREE);
    try (ModelSafetyClassifier classifier = withBusyShare(clock, scorer)) {
      assertEquals(MODEL_THREE, classifier.assessAsync("first").toCompletableFuture().join());

      CompletableFuture<SafetyAssessment> second =
          classifier.assessAsync("second").toCompletableFuture();

      assertTrue(second.isDone());
      assertEquals(RULES_TWO, second.join());
      assertEquals(1, classifier.fallbacks());
      assertEquals(Set.of("first"), scorer.scored);
    }
  }

  @Test
  void onceTheShareHasRefilledTheModelJudgesAgain() {
    AtomicLong clock = new AtomicLong();
    FakeScorer scorer = new FakeScorer(null, m -> MODEL_THREE);
    try (ModelSafetyClassifier classifier = withBusyShare(clock, scorer)) {
      classifier.assessAsync("first").toCompletableFuture().join();
      classifier.assessAsync("second").toCompletableFuture().join();

      clock.addAndGet(1_000_000_000L); // a second of wall time earns 100 ms of model time

      assertEquals(MODEL_THREE, classifier.assessAsync("third").toCompletableFuture().join());
      assertEquals(Set.of("first", "third"), scorer.scored);
    }
  }

  @Test
  void aMessageNoModelThreadTakesWithinTheWaitGetsTheRulesAnswerAndIsNeverScored()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    FakeScorer scorer = new FakeScorer(release, m -> MODEL_THREE);
    try (ModelSafetyClassifier classifier =
        new ModelSafetyClassifier(m -> RULES_TWO, scorer, 1, 8, 20, 2_000, Optional.empty())) {
      CompletableFuture<SafetyAssessment> running =
          classifier.assessAsync("one").toCompletableFuture();
      assertTrue(scorer.started.await(10, TimeUnit.SECONDS));

      CompletableFuture<SafetyAssessment> waiting =
          classifier.assessAsync("two").toCompletableFuture();

      assertEquals(
          RULES_TWO,
          waiting.get(10, TimeUnit.SECONDS),
          "the model is still busy with the first message");
      assertEquals(1, classifier.fallbacks());
      release.countDown();
      assertEquals(MODEL_THREE, running.join(), "a message the model has started is finished");
      classifier.assess("three"); // the model thread has moved past "two"'s place in the queue
      assertFalse(scorer.scored.contains("two"));
    }
  }

  @Test
  void aMessageShedByItsWaitIsCountedOnceWhenTheClassifierClosesBeforeReachingIt()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    FakeScorer scorer = new FakeScorer(release, m -> MODEL_THREE);
    ModelSafetyClassifier classifier =
        new ModelSafetyClassifier(m -> RULES_TWO, scorer, 1, 8, 20, 200, Optional.empty());
    CompletableFuture<SafetyAssessment> running =
        classifier.assessAsync("one").toCompletableFuture();
    assertTrue(scorer.started.await(10, TimeUnit.SECONDS));
    assertEquals(
        RULES_TWO, classifier.assessAsync("two").toCompletableFuture().get(10, TimeUnit.SECONDS));

    Thread closer = new Thread(classifier::close);
    closer.start();
    closer.join(10_000);
    release.countDown();

    assertEquals(1, classifier.fallbacks());
    running.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFailingModelLeavesTheRulesAnswerAndCountsIt() {
    FakeScorer scorer =
        new FakeScorer(
            null,
            m -> {
              throw new IllegalStateException("boom");
            });
    try (ModelSafetyClassifier classifier = classifier(m -> RULES_TWO, scorer, 8)) {
      assertEquals(RULES_TWO, classifier.assess("x"));
      assertEquals(1, classifier.failures());
    }
  }

  @Test
  void itCountsTheMessagesItJudgedAndTheProcessorTimeSpentOnThem() {
    FakeScorer scorer =
        new FakeScorer(
            null,
            m -> {
              burnProcessorTime(TimeUnit.MILLISECONDS.toNanos(3));
              return MODEL_TWO;
            });
    try (ModelSafetyClassifier classifier = classifier(m -> SafetyAssessment.NORMAL, scorer, 8)) {
      classifier.assess("first");
      classifier.assess("second");

      assertEquals(2, classifier.judged());
      assertTrue(
          classifier.judgingNanos() >= TimeUnit.MILLISECONDS.toNanos(6),
          "spent " + classifier.judgingNanos() + " ns");
    }
  }

  @Test
  void messagesTheModelFailedOnOrNeverSawAreNotCountedAsJudged() {
    FakeScorer scorer =
        new FakeScorer(
            null,
            m -> {
              throw new IllegalStateException("boom");
            });
    try (ModelSafetyClassifier classifier =
        classifier(m -> m.equals("critical") ? MODEL_THREE : RULES_TWO, scorer, 8)) {
      classifier.assess("fails");
      classifier.assess("critical");

      assertEquals(0, classifier.judged());
      assertEquals(1, classifier.failures());
    }
  }

  /** Keeps the calling thread busy until it has used {@code nanos} of processor time. */
  private static void burnProcessorTime(long nanos) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long until = threads.getCurrentThreadCpuTime() + nanos;
    while (threads.getCurrentThreadCpuTime() < until) {
      Thread.onSpinWait();
    }
  }

  @Test
  void closingStopsItsThreadsAndClosesTheModel() throws InterruptedException {
    FakeScorer scorer = new FakeScorer(null, m -> MODEL_TWO);
    ModelSafetyClassifier classifier = classifier(m -> SafetyAssessment.NORMAL, scorer, 8);
    classifier.assess("warm up");
    List<Thread> workers =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> scorer.threads.contains(t.getName()))
            .toList();
    assertEquals(1, workers.size());
    classifier.close();
    assertTrue(classifier.terminated());
    assertTrue(scorer.closed.get());
    // A terminated pool's last worker may still be returning from its run loop: wait for it.
    workers.get(0).join(10_000);
    assertFalse(workers.get(0).isAlive());
  }

  @Test
  void afterCloseMessagesGetTheRulesAnswer() {
    ModelSafetyClassifier classifier =
        classifier(m -> RULES_TWO, new FakeScorer(null, m -> MODEL_THREE), 8);
    classifier.close();
    classifier.close(); // idempotent
    assertEquals(RULES_TWO, classifier.assessAsync("x").toCompletableFuture().join());
    assertEquals(1, classifier.fallbacks());
  }

  @Test
  void messagesStillQueuedWhenCloseGivesUpGetTheRulesAnswer() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    FakeScorer scorer = new FakeScorer(release, m -> MODEL_THREE);
    ModelSafetyClassifier classifier =
        new ModelSafetyClassifier(m -> RULES_TWO, scorer, 1, 4, 0, 200, Optional.empty());
    CompletableFuture<SafetyAssessment> running =
        classifier.assessAsync("one").toCompletableFuture();
    assertTrue(scorer.started.await(10, TimeUnit.SECONDS));
    CompletableFuture<SafetyAssessment> queued =
        classifier.assessAsync("two").toCompletableFuture();
    Thread closer = new Thread(classifier::close);
    closer.start();
    assertEquals(RULES_TWO, queued.join());
    release.countDown();
    closer.join(10_000);
    assertEquals(MODEL_THREE, running.join());
    assertTrue(classifier.terminated());
  }

  @Test
  void concurrentCallersEachGetTheirOwnAnswer() throws Exception {
    FakeScorer scorer =
        new FakeScorer(null, m -> m.startsWith("bad") ? MODEL_THREE : SafetyAssessment.NORMAL);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try (ModelSafetyClassifier classifier =
        new ModelSafetyClassifier(
            m -> SafetyAssessment.NORMAL, scorer, 2, 1_000, 0, 2_000, Optional.empty())) {
      List<Future<SafetyAssessment>> answers = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String message = (i % 2 == 0 ? "bad " : "good ") + i;
        answers.add(callers.submit(() -> classifier.assess(message)));
      }
      for (int i = 0; i < answers.size(); i++) {
        SafetyTier expected = i % 2 == 0 ? SafetyTier.CRITICAL : SafetyTier.NORMAL;
        assertEquals(expected, answers.get(i).get(10, TimeUnit.SECONDS).tier());
      }
      assertEquals(0, classifier.fallbacks());
      assertNotEquals(0, scorer.threads.size());
    } finally {
      callers.shutdownNow();
    }
  }
}
