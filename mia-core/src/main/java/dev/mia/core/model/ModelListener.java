package dev.mia.core.model;

/**
 * Receives one streamed reply from a {@link ChatModel}. For one stream the calls are made one at a
 * time, in order, possibly from different threads (each call happens-before the next): any number
 * of {@link #onDelta}, then exactly one of {@link #onComplete} or {@link #onFailure}. After the
 * stream is cancelled, no further call is made. Implementations must return quickly and not throw.
 */
public interface ModelListener {

  /** A piece of the reply, never empty, in order. */
  void onDelta(String text);

  /** The reply ended normally. */
  void onComplete();

  /** The reply could not be produced or broke off; deltas already delivered stand. */
  void onFailure(ModelFailure failure);
}
