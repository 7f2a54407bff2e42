package dev.mia.core.model;

/**
 * A language model that streams a reply. {@link #stream} starts the request and returns at once,
 * without waiting for the network; the reply arrives at the listener as described by {@link
 * ModelListener}. Implementations are thread-safe and serve many streams at once. They report
 * failures to the listener instead of throwing, except for null arguments.
 *
 * <p>A model that holds resources (an HTTP client and its connections, threads) releases them in
 * {@link #close}. The engine never closes the model it is given: whoever built the model closes it,
 * once, at shutdown, after the engine.
 */
@FunctionalInterface
public interface ChatModel extends AutoCloseable {

  /** {@return a handle to cancel the reply that {@code listener} will receive} */
  ReplyStream stream(ModelRequest request, ModelListener listener);

  /**
   * Releases what this model holds: its connections, connection pool and threads. Streams still
   * open are cut off, and their listeners may hear nothing more. Idempotent: a second call does
   * nothing. Throws no checked exception, so a model closes in a plain call or in {@code
   * try}-with-resources alike.
   *
   * <p>The default does nothing, for a model that holds nothing (such as a lambda); a model that
   * holds resources overrides it.
   */
  @Override
  default void close() {}
}
