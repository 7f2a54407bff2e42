package dev.mia.core.testing;

import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** A {@link ModelListener} that writes down what a model said and lets a test wait for its end. */
public final class ModelRecorder implements ModelListener {
  private final Object lock = new Object();
  // Guarded by lock.
  private final List<String> deltas = new ArrayList<>();
  private final List<String> terminals = new ArrayList<>();
  private ModelFailure failure;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final CountDownLatch firstDelta = new CountDownLatch(1);
  private volatile Runnable onFirstDelta = () -> {};

  /** Runs {@code action} on the model's thread, inside the first {@link #onDelta}. */
  public ModelRecorder onFirstDelta(Runnable action) {
    this.onFirstDelta = action;
    return this;
  }

  @Override
  public void onDelta(String text) {
    boolean first;
    synchronized (lock) {
      deltas.add(text);
      first = deltas.size() == 1;
    }
    if (first) {
      onFirstDelta.run();
      firstDelta.countDown();
    }
  }

  @Override
  public void onComplete() {
    synchronized (lock) {
      terminals.add("complete");
    }
    ended.countDown();
  }

  @Override
  public void onFailure(ModelFailure failure) {
    synchronized (lock) {
      terminals.add("failure");
      this.failure = failure;
    }
    ended.countDown();
  }

  public ModelRecorder awaitEnd() {
    Await.latch(ended, "the end of the model stream");
    return this;
  }

  public ModelRecorder awaitFirstDelta() {
    Await.latch(firstDelta, "the first delta");
    return this;
  }

  public List<String> deltas() {
    synchronized (lock) {
      return List.copyOf(deltas);
    }
  }

  public String text() {
    return String.join("", deltas());
  }

  public List<String> terminals() {
    synchronized (lock) {
      return List.copyOf(terminals);
    }
  }

  public Optional<ModelFailure> failure() {
    synchronized (lock) {
      return Optional.ofNullable(failure);
    }
  }
}
