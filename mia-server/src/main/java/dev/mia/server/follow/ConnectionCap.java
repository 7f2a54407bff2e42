package dev.mia.server.follow;

/**
 * How many connections each user may hold at once, across every transport: {@link #tryOpen} counts
 * a connection if the user is under the cap, {@link #close} gives its place back. Thread- safe.
 */
public interface ConnectionCap {

  /** {@return true and counts the connection if the user is under the cap, else false} */
  boolean tryOpen(String userId);

  /** Forgets one counted connection of the user. */
  void close(String userId);

  /** {@return a cap of {@code maxPerUser} connections counted in this process} */
  static ConnectionCap local(int maxPerUser) {
    return new LocalConnectionCap(maxPerUser);
  }
}
