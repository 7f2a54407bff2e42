package dev.mia.server.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mia.core.auth.TokenService;
import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.ErrorCode;
import dev.mia.core.conversation.JoinResult;
import dev.mia.core.conversation.ReplyListener;
import dev.mia.core.conversation.SafetyAlert;
import dev.mia.core.conversation.SubmitResult;
import dev.mia.core.conversation.TurnAssessment;
import dev.mia.core.safety.CrisisResource;
import dev.mia.server.follow.ConnectionCap;
import dev.mia.server.follow.Followers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ws}: the plain-WebSocket message stream of seed 003. A client connects with a token
 * ({@code ?token=} or {@code Authorization: Bearer}; without a valid one the upgrade is refused
 * with 401), gets {@code connection}, and sends {@code session_message} {@code {session_id,
 * message_text}}; it hears {@code user_message} (its message, echoed to each of the user's
 * connections following the session), {@code safety_escalation} before a reply to a message of tier
 * 2 or 3, {@code assistant_message_start}, {@code assistant_message_chunk}s and {@code
 * assistant_message_complete} {@code {message: {text, intent, risk_level}}}. {@code ping} gets
 * {@code pong}; anything it cannot take gets {@code error} {@code {message, code}} and the
 * connection stays. Every message carries an ISO {@code timestamp}. A {@code session_id} is the
 * client's name for a session (see {@link SessionAliases}): a new one starts a session.
 */
public final class MessageStreamEndpoint implements WebSocketEndpoint, Followers.Transport {
  private static final Logger log = LoggerFactory.getLogger(MessageStreamEndpoint.class);
  private static final int MAX_SESSION_ID_CHARS = 256;

  private final ConversationEngine engine;
  private final TokenService tokens;
  private final ConnectionCap cap;
  private final Followers followers;
  private final List<CrisisResource> resources;
  private final JsonText json;
  // Each follower knows a session by its id.
  private final SessionFollowers<String> following = new SessionFollowers<>();

  /**
   * The endpoint for {@code engine}, identifying users with {@code tokens}, counting their
   * connections under {@code cap}, with the session's other connections in {@code followers}, and
   * naming {@code resources} in each safety escalation.
   */
  public MessageStreamEndpoint(
      ConversationEngine engine,
      TokenService tokens,
      ConnectionCap cap,
      Followers followers,
      List<CrisisResource> resources,
      Clock clock) {
    this.engine = engine;
    this.tokens = tokens;
    this.cap = cap;
    this.followers = followers;
    this.resources = List.copyOf(resources);
    this.json = new JsonText(clock);
    followers.register(this);
  }

  @Override
  public List<String> paths() {
    return List.of("/ws");
  }

  @Override
  public CompletionStage<Admission> admit(FullHttpRequest request) {
    return Bearer.admitUser(
        request,
        tokens,
        cap,
        new Admission.Refused(
            HttpResponseStatus.UNAUTHORIZED,
            "AUTH_REQUIRED",
            "A valid token is required: ws://host/ws?token=<JWT>"),
        new Admission.Refused(
            HttpResponseStatus.TOO_MANY_REQUESTS,
            "TOO_MANY_CONNECTIONS",
            "Too many connections for this user"),
        Admitted::new);
  }

  /** Who an admitted connection is, and its place under the user's cap. */
  private record Admitted(String userId, ConnectionCap.Place place) {}

  @Override
  public void abandon(Admission.Admitted admitted) {
    ((Admitted) admitted.state()).place().close();
  }

  @Override
  public ChannelHandler open(Admission.Admitted admitted) {
    Admitted who = (Admitted) admitted.state();
    return new Socket(who.userId(), who.place());
  }

  @Override
  public ReplyListener replies(String sessionId) {
    return new Reply(sessionId);
  }

  @Override
  public void userMessage(String sessionId, String text, long timestamp, Object sender) {
    if (!following.followed(sessionId)) {
      return; // most sessions have no connection here: build nothing for nobody
    }
    ObjectNode echo = json.message("user_message");
    echo.put("session_id", sessionId);
    echo.put("text", text);
    echo.put("timestamp", JsonText.at(timestamp));
    following.forEach(
        sessionId,
        (channel, id) -> {
          if (channel != sender) {
            JsonText.send(channel, echo);
          }
        });
  }

  /**
   * Sends the message {@code build} makes to every connection following {@code sessionId}; builds
   * nothing when there is none (every reply of every transport passes through here, and building a
   * message with its timestamp for no one was 3-4% of the server's CPU).
   */
  private void sendToFollowers(String sessionId, Supplier<ObjectNode> build) {
    if (!following.followed(sessionId)) {
      return;
    }
    ObjectNode message = build.get();
    following.forEach(sessionId, (channel, id) -> JsonText.send(channel, message));
  }

  /** One connection: its user, and the messages it sends. */
  private final class Socket extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final String userId;
    private final ConnectionCap.Place place;

    Socket(String userId, ConnectionCap.Place place) {
      this.userId = userId;
      this.place = place;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
        ObjectNode hello = json.message("connection");
        hello.put("status", "connected");
        JsonText.send(ctx.channel(), hello);
        log.debug("ws connected: {}", userId);
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      following.unfollowAll(ctx.channel());
      place.close();
      ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (!(frame instanceof TextWebSocketFrame text)) {
        error(ctx.channel(), ErrorCode.INVALID_PAYLOAD, "Send JSON text messages.");
        return;
      }
      Optional<JsonNode> message = JsonText.parse(text.text());
      if (message.isEmpty()) {
        error(ctx.channel(), ErrorCode.INVALID_PAYLOAD, "A message must be a JSON object.");
        return;
      }
      String type = message.get().path("type").asText("");
      switch (type) {
        case "ping" -> JsonText.send(ctx.channel(), json.message("pong"));
        case "session_message" -> sessionMessage(ctx.channel(), message.get());
        default ->
            error(
                ctx.channel(),
                ErrorCode.INVALID_PAYLOAD,
                "Unknown message type; send session_message or ping.");
      }
    }

    private void sessionMessage(Channel channel, JsonNode message) {
      JsonNode sessionNode = message.get("session_id");
      JsonNode textNode = message.get("message_text");
      if (sessionNode == null
          || !sessionNode.isTextual()
          || sessionNode.asText().isBlank()
          || sessionNode.asText().length() > MAX_SESSION_ID_CHARS) {
        error(
            channel,
            ErrorCode.INVALID_PAYLOAD,
            "session_id must be a string of 1 to 256 characters.");
        return;
      }
      if (textNode == null || !textNode.isTextual()) {
        error(channel, ErrorCode.INVALID_PAYLOAD, "message_text must be a string.");
        return;
      }
      String text = textNode.asText();
      SessionAliases.resolve(engine, userId, sessionNode.asText())
          .thenCompose(joined -> submit(channel, joined, text))
          .exceptionally(
              failure -> {
                log.warn("ws message failed: {}", failure.getClass().getName());
                error(channel, ErrorCode.INTERNAL_ERROR, "Something went wrong.");
                return null;
              });
    }

    private CompletionStage<Void> submit(Channel channel, JoinResult joined, String text) {
      if (joined instanceof JoinResult.Refused refused) {
        error(channel, refused.error());
        return CompletableFuture.completedFuture(null);
      }
      String sessionId = ((JoinResult.Joined) joined).session().sessionId();
      following.follow(sessionId, channel, sessionId);
      return engine
          .submitAsync(userId, sessionId, text, followers.replies(sessionId))
          .thenAccept(
              result -> {
                if (result instanceof SubmitResult.Refused refused) {
                  error(channel, refused.error());
                  return;
                }
                ObjectNode echo = json.message("user_message");
                echo.put("session_id", sessionId);
                echo.put("text", text);
                JsonText.send(channel, echo);
                followers.userMessage(sessionId, text, System.currentTimeMillis(), channel);
              });
    }
  }

  private void error(Channel channel, ConversationError error) {
    ObjectNode message = json.message("error");
    message.put("message", error.message());
    message.put("code", error.code().name());
    error.retryAfterMillis().ifPresent(ms -> message.put("retry_after_ms", ms));
    JsonText.send(channel, message);
  }

  private void error(Channel channel, ErrorCode code, String text) {
    error(channel, ConversationError.of(code, text, text));
  }

  /** One reply, written to every connection of this endpoint following its session. */
  private final class Reply extends AssessedReply {
    private volatile boolean started;

    Reply(String sessionId) {
      super(sessionId);
    }

    @Override
    public void onSafetyAlert(SafetyAlert alert) {
      sendToFollowers(sessionId, () -> escalation(alert));
    }

    private ObjectNode escalation(SafetyAlert alert) {
      ObjectNode escalation = json.message("safety_escalation");
      escalation.put("session_id", sessionId);
      escalation.put("risk_level", TurnAssessment.riskLevelOf(alert.tier()));
      ObjectNode emergency = escalation.putObject("emergency_resources");
      List<CrisisResource> list = alert.resources();
      emergency.put("crisis_hotline", list.isEmpty() ? "" : list.get(0).contact());
      emergency.put("crisis_text", list.size() < 2 ? "" : list.get(1).contact());
      emergency.put(
          "message",
          "If you are in immediate danger, call your local emergency number. You are not alone:"
              + " people at these lines want to help, any time.");
      var all = emergency.putArray("resources");
      for (CrisisResource r : list) {
        ObjectNode one = all.addObject();
        one.put("name", r.name());
        one.put("contact", r.contact());
        one.put("description", r.description());
      }
      return escalation;
    }

    /** Tells the followers a reply begins, before its first piece or its whole. */
    private void startOnce() {
      // Marked started only once sent: a connection that begins following mid-reply still gets
      // the start before its first piece.
      if (!started && following.followed(sessionId)) {
        started = true;
        sendToFollowers(
            sessionId,
            () -> {
              ObjectNode start = json.message("assistant_message_start");
              start.put("session_id", sessionId);
              return start;
            });
      }
    }

    @Override
    public void onChunk(String chunk) {
      startOnce();
      sendToFollowers(
          sessionId,
          () -> {
            ObjectNode piece = json.message("assistant_message_chunk");
            piece.put("session_id", sessionId);
            piece.put("chunk", chunk);
            piece.put("is_complete", false);
            return piece;
          });
    }

    @Override
    public void onComplete(String fullReply) {
      startOnce();
      sendToFollowers(
          sessionId,
          () -> {
            ObjectNode complete = json.message("assistant_message_complete");
            complete.put("session_id", sessionId);
            ObjectNode message = complete.putObject("message");
            message.put("text", fullReply);
            message.put("intent", assessment().map(TurnAssessment::intent).orElse("support"));
            message.put("risk_level", assessment().map(TurnAssessment::riskLevel).orElse("none"));
            return complete;
          });
    }

    @Override
    public void onError(ConversationError error) {
      following.forEach(
          sessionId, (channel, id) -> MessageStreamEndpoint.this.error(channel, error));
    }
  }
}
