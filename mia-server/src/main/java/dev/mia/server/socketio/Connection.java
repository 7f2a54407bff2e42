package dev.mia.server.socketio;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What the server knows of one Socket.IO connection: how far it has come and who it is. A
 * connection is {@link Stage#NEW} until its transport binds, then {@link Stage#BOUND} until its
 * CONNECT packet is acknowledged ({@link Stage#CONNECTED}) or refused ({@link Stage#REFUSED}). An
 * identity, once admitted, holds a place under the user's connection cap until it is {@linkplain
 * #forget forgotten}. Thread-safe: a polling client's requests may be handled on different I/O
 * threads.
 */
final class Connection {
  /** How far the connection has come. */
  enum Stage {
    NEW,
    BOUND,
    CONNECTED,
    REFUSED
  }

  /** Who the connection is; {@code anonymous} when no token named the user. */
  record Identity(String userId, boolean anonymous) {}

  private static final CompletableFuture<Void> IDLE = CompletableFuture.completedFuture(null);

  // Guarded by this.
  private Stage stage = Stage.NEW;
  private Identity identity;
  // The stage of the connection's latest request: the next starts when it completes.
  private CompletableFuture<?> latest = IDLE;

  /** {@return true the first time: the transport has just bound} */
  synchronized boolean bind() {
    if (stage != Stage.NEW) {
      return false;
    }
    stage = Stage.BOUND;
    return true;
  }

  synchronized void connected() {
    stage = Stage.CONNECTED;
  }

  synchronized void refused() {
    stage = Stage.REFUSED;
  }

  synchronized boolean isConnected() {
    return stage == Stage.CONNECTED;
  }

  synchronized Optional<Identity> identity() {
    return Optional.ofNullable(identity);
  }

  /** {@return the identity of a connection that may send events: admitted and not refused} */
  synchronized Optional<Identity> activeIdentity() {
    return stage == Stage.REFUSED ? Optional.empty() : Optional.ofNullable(identity);
  }

  /** Takes on {@code admitted}, which holds a place under its user's cap. */
  synchronized void admit(Identity admitted) {
    identity = admitted;
  }

  /** {@return the identity that held a place under its user's cap, now dropped} */
  synchronized Optional<Identity> forget() {
    Optional<Identity> dropped = Optional.ofNullable(identity);
    identity = null;
    return dropped;
  }

  /**
   * Runs {@code request} once the connection's previous request has done its part, so that a
   * connection's messages reach the engine in the order they arrived even when the store answers
   * out of order. A request that fails does not hold up the next.
   */
  void inOrder(Supplier<CompletionStage<?>> request) {
    CompletableFuture<?> previous;
    CompletableFuture<Object> mine = new CompletableFuture<>();
    synchronized (this) {
      previous = latest;
      latest = mine;
    }
    previous.whenComplete(
        (done, failed) -> {
          try {
            request.get().whenComplete((r, e) -> mine.complete(null));
          } catch (RuntimeException e) {
            mine.complete(null);
            throw e;
          }
        });
  }
}
