package dev.mia.core.model;

/**
 * A reply being streamed by a {@link ChatModel}. {@link #cancel} may be called from any thread, any
 * number of times, including from inside a listener callback; after it returns the listener
 * receives nothing more.
 */
@FunctionalInterface
public interface ReplyStream {

  /** Stops the stream and releases its connection. */
  void cancel();
}
