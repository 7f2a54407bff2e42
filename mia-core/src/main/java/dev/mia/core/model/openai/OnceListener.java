package dev.mia.core.model.openai;

import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Enforces the {@link ModelListener} contract around a listener: nothing after the terminal call or
 * after {@link #cancel()}, and at most one terminal call, whatever the underlying client does.
 */
final class OnceListener implements ModelListener {
  private final ModelListener delegate;
  private final AtomicBoolean finished = new AtomicBoolean();

  OnceListener(ModelListener delegate) {
    this.delegate = delegate;
  }

  /** {@return true if this call ended the stream, false if it had already ended} */
  boolean cancel() {
    return finished.compareAndSet(false, true);
  }

  boolean isFinished() {
    return finished.get();
  }

  @Override
  public void onDelta(String text) {
    if (!finished.get() && !text.isEmpty()) {
      delegate.onDelta(text);
    }
  }

  @Override
  public void onComplete() {
    if (finished.compareAndSet(false, true)) {
      delegate.onComplete();
    }
  }

  @Override
  public void onFailure(ModelFailure failure) {
    if (finished.compareAndSet(false, true)) {
      delegate.onFailure(failure);
    }
  }
}
