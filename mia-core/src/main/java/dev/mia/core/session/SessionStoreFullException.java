package dev.mia.core.session;

/** Thrown by {@link SessionStore#create} when the store holds as many sessions as it may. */
public final class SessionStoreFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the store's capacity in its message. */
  public SessionStoreFullException(long capacity) {
    super("the session store is full (" + capacity + " sessions)");
  }
}
