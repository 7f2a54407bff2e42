package dev.mia.core.model;

/**
 * A language model that streams a reply. {@link #stream} starts the request and returns at once,
 * without waiting for the network; the reply arrives at the listener as described by {@link
 * ModelListener}. Implementations are thread-safe and serve many streams at once. They report
 * failures to the listener instead of throwing, except for null arguments.
 */
@FunctionalInterface
public interface ChatModel {

  /** {@return a handle to cancel the reply that {@code listener} will receive} */
  ReplyStream stream(ModelRequest request, ModelListener listener);
}
