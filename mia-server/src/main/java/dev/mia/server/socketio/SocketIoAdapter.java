package dev.mia.server.socketio;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.store.Store;
import com.corundumstudio.socketio.transport.NamespaceClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.core.auth.TokenService;
import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.ConversationObserver;
import dev.mia.core.conversation.ErrorCode;
import dev.mia.core.conversation.JoinResult;
import dev.mia.core.conversation.RecordResult;
import dev.mia.core.conversation.SubmitResult;
import dev.mia.core.exercise.GuidedExercise;
import dev.mia.core.exercise.GuidedExercises;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.ProgressMarker;
import dev.mia.server.follow.ConnectionCap;
import dev.mia.server.follow.Followers;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates Socket.IO into engine calls and back: identity on connect, {@code join_session} to
 * {@code session_created} (with {@code typing: true|false} turning the connection's {@code typing}
 * events on or off), {@code message} to the reply events, {@code interaction} (a guided exercise's
 * buttons) and {@code feedback} to their acknowledgements, and {@code error} with a stable code for
 * anything refused. Listeners run on Netty's I/O threads and only decode, validate and hand off;
 * nothing here waits for the model.
 */
final class SocketIoAdapter {
  private static final Logger log = LoggerFactory.getLogger(SocketIoAdapter.class);

  private static final String CONNECTION = "mia.connection";

  private final ConversationEngine engine;
  private final TokenService tokens;
  private final ConnectionCap connectionCap;
  private final boolean requireAuth;
  private final ScheduledExecutorService timer;
  private final Followers followers;
  private final ConversationObserver observer;

  /**
   * An adapter admitting connections with {@code tokens} under {@code connectionCap} (only with a
   * valid token if {@code requireAuth}), relaying replies and a user's messages to the session's
   * {@code followers} on every transport, and closing refused connections on {@code timer}.
   */
  SocketIoAdapter(
      ConversationEngine engine,
      TokenService tokens,
      ConnectionCap connectionCap,
      boolean requireAuth,
      ScheduledExecutorService timer,
      Followers followers,
      ConversationObserver observer) {
    this.engine = engine;
    this.tokens = tokens;
    this.connectionCap = connectionCap;
    this.requireAuth = requireAuth;
    this.timer = timer;
    this.followers = followers;
    this.observer = observer;
  }

  /** Listens to {@code server}'s default namespace. */
  void install(SocketIOServer server) {
    server.getNamespace("").addAuthTokenListener(this::onAuth);
    server.addConnectListener(this::onConnect);
    server.addDisconnectListener(this::onDisconnect);
    server.addEventListener("join_session", JsonNode.class, this::onJoin);
    server.addEventListener("message", JsonNode.class, this::onMessage);
    server.addEventListener("interaction", JsonNode.class, this::onInteraction);
    server.addEventListener("feedback", JsonNode.class, this::onFeedback);
  }

  /**
   * Decides whether a connection is admitted, when its CONNECT packet arrives and before the
   * library handles it ({@link AdmissionGate}): the {@code auth} token's user, else the {@code
   * Authorization} header's, else a new anonymous user unless authentication is required; and a
   * place under the user's connection cap, which may take a round trip to a shared cap. Deciding
   * before the CONNECT packet is acknowledged matters: a polling client's next request may be
   * handled on another thread at once. A repeated CONNECT packet gets the first one's stage, so it
   * waits for that decision, and changes nothing.
   */
  CompletionStage<?> decide(ClientHead client, Optional<String> authToken) {
    Connection connection = connection(client.getStore());
    if (!connection.decide()) {
      return connection.decision();
    }
    Optional<String> verified =
        authToken
            .flatMap(tokens::verify)
            .or(() -> bearer(client.getHandshakeData()).flatMap(tokens::verify));
    if (verified.isEmpty() && requireAuth) {
      connection.notAdmitted(ErrorCode.AUTH_REQUIRED);
      return connection.decision();
    }
    Connection.Identity identity =
        new Connection.Identity(verified.orElseGet(engine::newAnonymousUserId), verified.isEmpty());
    connectionCap
        .tryOpen(identity.userId())
        .handle(
            (place, failure) -> {
              if (failure != null) {
                // The cap's stage does not fail by contract; if one did, refuse rather than leave
                // it undecided.
                connection.notAdmitted(ErrorCode.INTERNAL_ERROR);
              } else if (place.isPresent()) {
                connection.admit(identity, place.get());
              } else {
                connection.notAdmitted(ErrorCode.TOO_MANY_CONNECTIONS);
              }
              return null;
            });
    return connection.decision();
  }

  /**
   * The CONNECT packet carried an {@code auth} object (every one does, see {@link
   * dev.mia.server.compat.ConnectPacketAuth}): a refusal decided by {@link #decide} reaches the
   * client as a plain {@code connect_error}. Runs before the CONNECT packet is acknowledged.
   */
  private AuthTokenResult onAuth(Object auth, SocketIOClient client) {
    Connection connection = connection(client);
    if (connection.isConnected() || connection.identity().isPresent()) {
      return AuthTokenResult.AuthTokenResultSuccess;
    }
    ErrorCode refused = connection.refusal().orElse(ErrorCode.INTERNAL_ERROR);
    log.info("connection refused: {}", refused);
    observer.refused(refused);
    return new AuthTokenResult(false, refusal(refused, refusalMessage(refused)));
  }

  /**
   * netty-socketio 2.0.14 first runs the default namespace's connect listeners when the Engine.IO
   * transport binds, before the client has sent its CONNECT packet, and not again for that packet,
   * because the client is then already in the namespace's room. So a binding's run takes the client
   * out of that room, so that the CONNECT packet runs the listeners again; by then {@link #decide}
   * has decided. A polling client's first requests may each bind, on two I/O threads, before the
   * decision: every such run is a binding ({@link Connection#connectRun}). The CONNECT packet's run
   * refuses a connection that was not admitted and whose refusal the auth listener could not send
   * (an Engine.IO 3 client, which has no {@code auth}).
   */
  private void onConnect(SocketIOClient client) {
    Connection connection = connection(client);
    Connection.ConnectRun run = connection.connectRun();
    if (run == Connection.ConnectRun.TRANSPORT_BOUND) {
      client.leaveRoom(Namespace.DEFAULT_NAME);
      return;
    }
    if (run == Connection.ConnectRun.REFUSED) {
      ErrorCode refused = connection.refusal().orElse(ErrorCode.INTERNAL_ERROR);
      refuse(client, connection, refused, refusalMessage(refused));
      return;
    }
    connection.connected();
    log.info(
        "client connected: {}", connection.identity().map(Connection.Identity::userId).orElse("?"));
  }

  /** {@return the connection's state, made on first use} */
  private static Connection connection(SocketIOClient client) {
    return connection(((NamespaceClient) client).getBaseClient().getStore());
  }

  /** {@return the state of the connection whose store this is, made on first use} */
  private static Connection connection(Store store) {
    Connection connection = store.get(CONNECTION);
    if (connection != null) {
      return connection;
    }
    // Listeners of one connection may run on two I/O threads (a polling client's requests): one
    // state for both. The store is the library's, one per connection.
    synchronized (store) {
      connection = store.get(CONNECTION);
      if (connection == null) {
        connection = new Connection();
        store.set(CONNECTION, connection);
      }
      return connection;
    }
  }

  private void onDisconnect(SocketIOClient client) {
    Optional<Connection.Identity> was = connection(client).close();
    log.debug("client disconnected: {}", was.map(Connection.Identity::userId).orElse("?"));
  }

  private void onJoin(SocketIOClient client, JsonNode data, AckRequest ack) {
    Optional<Connection.Identity> identity = connection(client).activeIdentity();
    if (identity.isEmpty()) {
      return;
    }
    String userId = identity.get().userId();
    Optional<String> requested;
    if (data == null || data.isNull() || data.isMissingNode()) {
      requested = Optional.empty();
    } else if (!data.isObject()) {
      reject(
          client,
          ack,
          invalid("join_session expects an object: {\"sessionId\": \"...\" or null}"),
          Optional.empty());
      return;
    } else {
      // Additive: only a boolean changes anything, so no payload an old client sends is refused.
      JsonNode typing = data.get("typing");
      if (typing != null && typing.isBoolean()) {
        client.set(SessionRoom.TYPING_WANTED, typing.booleanValue());
      }
      JsonNode id = data.get("sessionId");
      if (id == null || id.isNull()) {
        requested = Optional.empty();
      } else if (!id.isTextual()) {
        reject(client, ack, invalid("sessionId must be a string or null"), Optional.empty());
        return;
      } else {
        requested = Optional.of(id.asText());
      }
    }
    engine
        .joinAsync(userId, requested)
        .thenAccept(result -> joined(client, ack, identity.get(), requested, result));
  }

  private void joined(
      SocketIOClient client,
      AckRequest ack,
      Connection.Identity identity,
      Optional<String> requested,
      JoinResult result) {
    if (result instanceof JoinResult.Refused refused) {
      reject(client, ack, refused.error(), Optional.empty());
      return;
    }
    JoinResult.Joined joined = (JoinResult.Joined) result;
    String sessionId = joined.session().sessionId();
    client.joinRoom(sessionId);
    Optional<String> resumeToken =
        identity.anonymous() ? Optional.of(tokens.issue(identity.userId())) : Optional.empty();
    client.sendEvent(
        "session_created",
        WirePayloads.sessionCreated(joined.session(), resumeToken, requested, !joined.created()));
    acknowledge(ack, WirePayloads.Ack.ok(sessionId));
    log.info(
        "session {} {} for {}",
        sessionId,
        joined.created() ? "created" : "resumed",
        identity.userId());
  }

  private void onMessage(SocketIOClient client, JsonNode data, AckRequest ack) {
    Optional<Connection.Identity> identity = connection(client).activeIdentity();
    if (identity.isEmpty()) {
      return;
    }
    String userId = identity.get().userId();
    if (data == null || !data.isObject()) {
      reject(
          client,
          ack,
          invalid("message expects an object: {\"sessionId\", \"message\"}"),
          Optional.empty());
      return;
    }
    JsonNode sessionNode = data.get("sessionId");
    if (sessionNode == null || !sessionNode.isTextual()) {
      reject(client, ack, invalid("sessionId is required and must be a string"), Optional.empty());
      return;
    }
    String sessionId = sessionNode.asText();
    JsonNode messageNode = data.get("message");
    if (messageNode == null || !messageNode.isTextual()) {
      reject(
          client, ack, invalid("message is required and must be a string"), Optional.of(sessionId));
      return;
    }
    String message = messageNode.asText();
    // One message of a connection at a time, in arrival order, through the store's stages.
    connection(client).inOrder(() -> submit(client, ack, userId, sessionId, message));
  }

  /** {@return a stage that completes once the message is accepted or refused} */
  private CompletionStage<?> submit(
      SocketIOClient client, AckRequest ack, String userId, String sessionId, String message) {
    // In the room before the message is submitted: its reply may start at once.
    CompletionStage<Boolean> inRoom =
        client.getAllRooms().contains(sessionId)
            ? CompletableFuture.completedFuture(true)
            : engine
                .sessionAsync(userId, sessionId)
                .thenApply(
                    own -> {
                      own.ifPresent(s -> client.joinRoom(sessionId));
                      return own.isPresent();
                    });
    return inRoom
        .thenCompose(
            ownsIt -> engine.submitAsync(userId, sessionId, message, followers.replies(sessionId)))
        .thenAccept(
            result -> {
              if (result instanceof SubmitResult.Refused refused) {
                reject(client, ack, refused.error(), Optional.of(sessionId));
                return;
              }
              acknowledge(ack, WirePayloads.Ack.ok(sessionId));
              followers.userMessage(sessionId, message, System.currentTimeMillis(), client);
            });
  }

  /**
   * {@return the identity of the client's connection, if it has joined and {@code data} is a JSON
   * object} Refuses an event whose payload is not an object with {@code expected}; an event before
   * the join is ignored, as every event is.
   */
  private Optional<Connection.Identity> identifiedWithObject(
      SocketIOClient client, JsonNode data, AckRequest ack, String expected) {
    Optional<Connection.Identity> identity = connection(client).activeIdentity();
    if (identity.isPresent() && (data == null || !data.isObject())) {
      reject(client, ack, invalid(expected), Optional.empty());
      return Optional.empty();
    }
    return identity;
  }

  /**
   * {@code interaction} {@code {sessionId, id, action}}: the start button of a guided exercise
   * ({@code id} its id) is answered with its steps and completion button; the completion button
   * ({@code <id>_complete}, which needs the {@code sessionId}) records a progress marker through
   * the engine and is answered with it. The answer is the acknowledgement; a refusal also comes as
   * {@code error}.
   */
  private void onInteraction(SocketIOClient client, JsonNode data, AckRequest ack) {
    Optional<Connection.Identity> identity =
        identifiedWithObject(
            client, data, ack, "interaction expects an object: {\"sessionId\", \"id\"}");
    if (identity.isEmpty()) {
      return;
    }
    JsonNode sessionNode = data.get("sessionId");
    if (sessionNode != null && !sessionNode.isNull() && !sessionNode.isTextual()) {
      reject(client, ack, invalid("sessionId must be a string"), Optional.empty());
      return;
    }
    Optional<String> sessionId =
        sessionNode == null || sessionNode.isNull()
            ? Optional.empty()
            : Optional.of(sessionNode.asText());
    JsonNode idNode = data.get("id");
    if (idNode == null || !idNode.isTextual()) {
      reject(client, ack, invalid("id is required and must be a string"), sessionId);
      return;
    }
    String id = idNode.asText();
    GuidedExercises exercises = engine.guidedExercises();
    Optional<GuidedExercise> started = exercises.byId(id);
    if (started.isPresent()) {
      acknowledge(
          ack,
          new WirePayloads.InteractionAck(
              true,
              sessionId.orElse(null),
              "instruction",
              WirePayloads.Exercise.of(started.get()),
              null));
      return;
    }
    Optional<GuidedExercise> finished = exercises.byCompletionId(id);
    if (finished.isEmpty()) {
      reject(client, ack, invalid("no element " + id), sessionId);
      return;
    }
    if (sessionId.isEmpty()) {
      reject(client, ack, invalid("sessionId is required to complete an exercise"), sessionId);
      return;
    }
    String userId = identity.get().userId();
    connection(client)
        .inOrder(
            () ->
                engine
                    .completeExerciseAsync(userId, sessionId.get(), finished.get().id())
                    .thenAccept(
                        result -> {
                          if (result instanceof RecordResult.Refused<ProgressMarker> refused) {
                            reject(client, ack, refused.error(), sessionId);
                            return;
                          }
                          ProgressMarker marker =
                              ((RecordResult.Recorded<ProgressMarker>) result).value();
                          acknowledge(
                              ack,
                              new WirePayloads.InteractionAck(
                                  true,
                                  sessionId.get(),
                                  "progress",
                                  null,
                                  WirePayloads.Progress.of(marker)));
                        }));
  }

  /**
   * {@code feedback} {@code {sessionId, rating, text}}: the user's rating (1 to 5) of their
   * session, kept through the engine; acknowledged {@code {ok: true, sessionId, rating}}, or
   * refused.
   */
  private void onFeedback(SocketIOClient client, JsonNode data, AckRequest ack) {
    Optional<Connection.Identity> identity =
        identifiedWithObject(
            client, data, ack, "feedback expects an object: {\"sessionId\", \"rating\", \"text\"}");
    if (identity.isEmpty()) {
      return;
    }
    JsonNode sessionNode = data.get("sessionId");
    if (sessionNode == null || !sessionNode.isTextual()) {
      reject(client, ack, invalid("sessionId is required and must be a string"), Optional.empty());
      return;
    }
    Optional<String> sessionId = Optional.of(sessionNode.asText());
    JsonNode ratingNode = data.get("rating");
    if (ratingNode == null || !ratingNode.isIntegralNumber() || !ratingNode.canConvertToInt()) {
      reject(client, ack, rating("rating must be a whole number from 1 to 5"), sessionId);
      return;
    }
    JsonNode textNode = data.get("text");
    if (textNode != null && !textNode.isNull() && !textNode.isTextual()) {
      reject(client, ack, invalid("text must be a string"), sessionId);
      return;
    }
    Optional<String> text =
        textNode == null || textNode.isNull() ? Optional.empty() : Optional.of(textNode.asText());
    String userId = identity.get().userId();
    int rating = ratingNode.asInt();
    connection(client)
        .inOrder(
            () ->
                engine
                    .recordFeedbackAsync(userId, sessionId.get(), rating, text)
                    .thenAccept(
                        result -> {
                          if (result instanceof RecordResult.Refused<Feedback> refused) {
                            reject(client, ack, refused.error(), sessionId);
                            return;
                          }
                          acknowledge(
                              ack, new WirePayloads.FeedbackAck(true, sessionId.get(), rating));
                        }));
  }

  private static ConversationError rating(String detail) {
    return ConversationError.of(
        ErrorCode.INVALID_PAYLOAD, "Please choose a rating from 1 to 5.", detail);
  }

  private static Optional<String> bearer(HandshakeData handshake) {
    String header = handshake.getHttpHeaders().get("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(header.substring(7).trim());
    }
    return Optional.empty();
  }

  private static ConversationError invalid(String detail) {
    return ConversationError.of(
        ErrorCode.INVALID_PAYLOAD, "The request could not be read.", detail);
  }

  private static void reject(
      SocketIOClient client, AckRequest ack, ConversationError error, Optional<String> sessionId) {
    log.debug("refused a request: {}", error.code());
    client.sendEvent("error", WirePayloads.error(error, sessionId));
    acknowledge(
        ack,
        new WirePayloads.Ack(false, error.code().name(), sessionId.orElse(null), error.message()));
  }

  private static void acknowledge(AckRequest ack, Object payload) {
    if (ack.isAckRequested()) {
      ack.sendAckData(payload);
    }
  }

  private static String refusalMessage(ErrorCode code) {
    return switch (code) {
      case AUTH_REQUIRED -> "Authentication required";
      case TOO_MANY_CONNECTIONS -> "Too many connections for this user";
      default -> "The server could not admit this connection";
    };
  }

  private static Map<String, Object> refusal(ErrorCode code, String message) {
    return Map.of("message", message, "data", Map.of("code", code.name(), "message", message));
  }

  /**
   * Refuses a connection that the CONNECT packet did not let us refuse earlier (it carried no
   * {@code auth}): a Socket.IO CONNECT_ERROR reaches the client as {@code connect_error}, and the
   * transport is closed shortly after in case the client does not close it itself.
   */
  private void refuse(
      SocketIOClient client, Connection connection, ErrorCode code, String message) {
    connection.refused();
    Packet packet = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
    packet.setSubType(PacketType.ERROR);
    packet.setData(refusal(code, message));
    client.send(packet);
    log.info("connection refused: {}", code);
    observer.refused(code);
    timer.schedule(client::disconnect, 1, TimeUnit.SECONDS);
  }
}
