package dev.mia.server.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One plain-WebSocket protocol served on the server's port: the paths it answers, who it lets in
 * ({@link #admit}, decided on the upgrade request, before the handshake), and the handler that
 * speaks it on an admitted connection. {@link WebSocketRouter} does the routing, the handshake and
 * the WebSocket framing; an endpoint sees whole text messages.
 */
public interface WebSocketEndpoint {

  /** {@return the request paths this endpoint answers, e.g. {@code /ws}} */
  List<String> paths();

  /**
   * {@return a stage with the decision on an upgrade request to one of {@link #paths()}} It may
   * complete on any thread (a shared connection cap answers from Redis); the request stays valid
   * until it does, and the endpoint must not keep it.
   */
  CompletionStage<Admission> admit(FullHttpRequest request);

  /** {@return a new handler for one admitted connection; it receives {@code WebSocketFrame}s} */
  ChannelHandler open(Admission.Admitted admitted);

  /**
   * The client left before an admitted connection could be opened: whatever the admission holds (a
   * place under a connection cap) goes back. Does nothing by default.
   */
  default void abandon(Admission.Admitted admitted) {}

  /** What becomes of an upgrade request. */
  sealed interface Admission {
    /** The connection is let in; {@code state} is the endpoint's own (who it is, options). */
    record Admitted(Object state) implements Admission {}

    /** The upgrade is refused with an HTTP status and a JSON body {@code {error, code}}. */
    record Refused(HttpResponseStatus status, String code, String message) implements Admission {}

    /**
     * The handshake completes and the connection is closed at once with {@code closeCode} (e.g.
     * 1008, policy violation), as clients of some protocols expect instead of an HTTP refusal.
     */
    record Closed(int closeCode, String reason) implements Admission {}
  }
}
