package dev.mia.server.socketio;

import java.util.Optional;

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

  // Guarded by this.
  private Stage stage = Stage.NEW;
  private Identity identity;

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
}
