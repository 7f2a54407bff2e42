package dev.mia.server.socketio;

/** The server's port could not be bound: another process holds it, or binding it is not allowed. */
public final class PortUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PortUnavailableException(Throwable cause) {
    super(cause.getMessage(), cause);
  }
}
