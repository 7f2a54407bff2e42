package dev.mia.server.socketio;

import dev.mia.core.conversation.ErrorCode;
import dev.mia.server.follow.ConnectionCap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What the server knows of one Socket.IO connection: how far it has come and who it is. A
 * connection is {@link Stage#NEW} until its transport binds, then {@link Stage#BOUND} until its
 * CONNECT packet is acknowledged ({@link Stage#CONNECTED}) or refused ({@link Stage#REFUSED}).
 * Whether it is admitted is decided once, when its CONNECT packet arrives ({@link #decide}), and
 * the decision is made when it is {@linkplain #admit admitted} or {@linkplain #notAdmitted not}; an
 * admitted connection holds a place under its user's connection cap until it is {@linkplain #close
 * closed}, even when the place was granted only after the connection closed. Thread-safe: a polling
 * client's requests may be handled on different I/O threads, and a decision completes on whatever
 * thread the cap answers on.
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
  private boolean deciding;
  private boolean closed;
  private Identity identity;
  private ConnectionCap.Place place;
  private ErrorCode refusal;
  // The stage of the connection's latest request: the next starts when it completes.
  private CompletableFuture<?> latest = IDLE;
  // Completes when the decision is recorded (admit or notAdmitted).
  private final CompletableFuture<Void> decision = new CompletableFuture<>();

  /** What one run of the default namespace's connect listeners stands for. */
  enum ConnectRun {
    /**
     * A transport bound: before the decision (the CONNECT packet's run comes after it) or after the
     * connection closed.
     */
    TRANSPORT_BOUND,
    /** The CONNECT packet's run, for an admitted connection. */
    ADMITTED,
    /** The CONNECT packet's run, for a connection that was not admitted. */
    REFUSED
  }

  /**
   * {@return what this run of the connect listeners stands for} netty-socketio runs them when a
   * transport binds, and again for the CONNECT packet, which reaches them only once {@link #decide
   * decided}. It may bind more than once first: a polling client's next request can bind on another
   * thread before the first binding has registered, so every run before the decision is a binding,
   * not a connection to refuse. A closed connection's last poll binds again too, after the client
   * left the namespace: a binding, not a refusal.
   */
  synchronized ConnectRun connectRun() {
    if (stage == Stage.NEW) {
      stage = Stage.BOUND;
      return ConnectRun.TRANSPORT_BOUND;
    }
    if (closed || !decision.isDone()) {
      return ConnectRun.TRANSPORT_BOUND;
    }
    return identity == null ? ConnectRun.REFUSED : ConnectRun.ADMITTED;
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

  /** {@return true the first time: the caller is to decide whether the connection is admitted} */
  synchronized boolean decide() {
    if (deciding) {
      return false;
    }
    deciding = true;
    return true;
  }

  /**
   * {@return the decision's stage, complete once it is recorded} A repeated CONNECT packet, which a
   * polling client may send on another request handled on another thread, waits for it rather than
   * passing as decided.
   */
  CompletionStage<Void> decision() {
    return decision;
  }

  /** {@return why the connection was not admitted, once that is decided} */
  synchronized Optional<ErrorCode> refusal() {
    return Optional.ofNullable(refusal);
  }

  /** Takes on {@code admitted}, which holds {@code granted} under its user's cap. */
  void admit(Identity admitted, ConnectionCap.Place granted) {
    boolean kept;
    synchronized (this) {
      kept = !closed;
      if (kept) {
        identity = admitted;
        place = granted;
      }
    }
    if (!kept) {
      granted.close(); // granted after the connection closed: not kept
    }
    decision.complete(null);
  }

  /** Records that the connection is not admitted, and why. */
  void notAdmitted(ErrorCode why) {
    synchronized (this) {
      refusal = why;
    }
    decision.complete(null);
  }

  /**
   * Ends the connection: it drops its identity and gives back its place under the user's cap.
   * {@return the identity it had, if it was admitted}
   */
  Optional<Identity> close() {
    Optional<Identity> dropped;
    ConnectionCap.Place held;
    synchronized (this) {
      closed = true;
      dropped = Optional.ofNullable(identity);
      held = place;
      identity = null;
      place = null;
    }
    if (held != null) {
      held.close();
    }
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
