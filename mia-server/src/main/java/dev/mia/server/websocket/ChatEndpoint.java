package dev.mia.server.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.core.auth.TokenService;
import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.ErrorCode;
import dev.mia.core.conversation.JoinResult;
import dev.mia.core.conversation.RecordResult;
import dev.mia.core.conversation.ReplyListener;
import dev.mia.core.conversation.SafetyAlert;
import dev.mia.core.conversation.SubmitResult;
import dev.mia.core.conversation.TurnAssessment;
import dev.mia.core.exercise.GuidedExercise;
import dev.mia.core.exercise.GuidedExercises;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.ProgressMarker;
import dev.mia.server.follow.ConnectionCap;
import dev.mia.server.follow.Followers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ws/chat}: seed 004's therapeutic chat over a plain WebSocket. A client connects with a
 * token ({@code ?token=} or {@code Authorization: Bearer}); without a valid one the handshake
 * completes and the socket is closed at once with 1008 (policy violation), past the user's
 * connection cap with 1013 (try again later). It receives a welcome system message, then sends
 * {@code {type, session_id, content, metadata}} messages:
 *
 * <ul>
 *   <li>{@code user_message} {@code content {text}}: Mia's reply comes as one {@code assistant}
 *       message with crisis {@code resource} elements when the message raised a safety alert (tier
 *       2 or 3), guided-exercise {@code button}s when the engine offers exercises (anxiety, panic,
 *       a crisis), and {@code metadata.safety {crisis, types}};
 *   <li>{@code interaction} {@code content {action, id}}: an exercise's button returns its {@code
 *       instruction} and a {@code <id>_complete} button; that button records a {@code
 *       SKILL_ACQUIRED} progress marker and returns a {@code progress} element; any other id is
 *       acknowledged ({@code ack});
 *   <li>{@code feedback} {@code content {rating 1..5, text}}: kept with the session.
 * </ul>
 *
 * With {@code ?typing=1|true|yes} the connection also gets {@code typing} start and stop system
 * messages around each reply. Anything it cannot take gets a system message with {@code content
 * {event: "error", code, text}} and the connection stays usable.
 *
 * <p>A {@code session_id} is the client's name for a session ({@link SessionAliases}): one of the
 * user's own session ids (made on any transport) is that session; any other name is the user's
 * alias for a session made on first use. A message without one goes to the connection's own
 * session, started on first use, whose server id the replies then carry. A connection follows every
 * session it names, through {@link Followers}: replies and the user's messages from Socket.IO,
 * {@code /ws} and other {@code /ws/chat} connections of this server reach it, each under the name
 * the connection used. Messages of one connection are handled one after another, in arrival order.
 */
public final class ChatEndpoint implements WebSocketEndpoint, Followers.Transport {
  private static final Logger log = LoggerFactory.getLogger(ChatEndpoint.class);
  private static final int MAX_SESSION_ID_CHARS = 256;
  private static final int MAX_ELEMENT_ID_CHARS = 128;
  private static final Set<String> YES = Set.of("1", "true", "yes");
  private static final Set<String> CLICKS = Set.of("button_click", "start_exercise");

  private final ConversationEngine engine;
  private final TokenService tokens;
  private final ConnectionCap cap;
  private final Followers followers;
  private final GuidedExercises exercises;
  private final ChatMessages messages;
  // The connections following each session (server session ids), with how each names it.
  private final SessionFollowers<Follower> following = new SessionFollowers<>();
  private final AtomicInteger open = new AtomicInteger();

  /**
   * The endpoint for {@code engine}, identifying users with {@code tokens}, counting their
   * connections under {@code cap}, and reaching a session's connections on every transport through
   * {@code followers}; messages are stamped with {@code clock}.
   */
  public ChatEndpoint(
      ConversationEngine engine,
      TokenService tokens,
      ConnectionCap cap,
      Followers followers,
      Clock clock) {
    this.engine = engine;
    this.tokens = tokens;
    this.cap = cap;
    this.followers = followers;
    this.exercises = engine.guidedExercises();
    this.messages = new ChatMessages(clock);
    followers.register(this);
  }

  @Override
  public List<String> paths() {
    return List.of("/ws/chat");
  }

  /** {@return the connections open now} */
  public int connections() {
    return open.get();
  }

  @Override
  public CompletionStage<Admission> admit(FullHttpRequest request) {
    List<String> typing = new QueryStringDecoder(request.uri()).parameters().get("typing");
    boolean wantsTyping =
        typing != null
            && !typing.isEmpty()
            && YES.contains(typing.get(0).trim().toLowerCase(Locale.ROOT));
    return Bearer.admitUser(
        request,
        tokens,
        cap,
        new Admission.Closed(
            WebSocketCloseStatus.POLICY_VIOLATION.code(),
            "A valid token is required: ws://host/ws/chat?token=<JWT>"),
        new Admission.Closed(
            WebSocketCloseStatus.TRY_AGAIN_LATER.code(), "Too many connections for this user"),
        (user, place) -> new Admitted(user, place, wantsTyping));
  }

  /** Who an admitted connection is, its place under the user's cap, and its options. */
  private record Admitted(String userId, ConnectionCap.Place place, boolean typing) {}

  @Override
  public void abandon(Admission.Admitted admitted) {
    ((Admitted) admitted.state()).place().close();
  }

  @Override
  public ChannelHandler open(Admission.Admitted admitted) {
    return new Socket((Admitted) admitted.state());
  }

  /** How one connection follows a session: under the name it used, and with typing events. */
  private record Follower(String name, boolean typing) {}

  @Override
  public ReplyListener replies(String sessionId) {
    return new Reply(sessionId);
  }

  @Override
  public void userMessage(String sessionId, String text, long timestamp, Object sender) {
    following.forEach(
        sessionId,
        (channel, follower) -> {
          if (channel != sender) {
            JsonText.send(channel, messages.userMessage(follower.name(), text, timestamp));
          }
        });
  }

  /** The session a message is for: the server's id, and the name the client uses for it. */
  private record Target(String sessionId, String name) {}

  /** A message that was read and checked, ready to act on in its turn. */
  @FunctionalInterface
  private interface Request {
    /** {@return a stage that completes once the request has been handled} */
    CompletionStage<?> handle();
  }

  /** One connection: its user, options and own session, and the messages it sends. */
  private final class Socket extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final Admitted who;
    private Channel channel;
    // The session messages without a session_id go to; set once made (server id).
    private volatile String ownSession;
    // The stage of the latest message: the next starts when it completes. Event loop only.
    private CompletableFuture<?> latest = CompletableFuture.completedFuture(null);

    Socket(Admitted who) {
      this.who = who;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
        open.incrementAndGet();
        JsonText.send(ctx.channel(), messages.welcome());
        log.info("ws_chat connected: {}", who.userId());
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      following.unfollowAll(ctx.channel());
      who.place().close();
      open.decrementAndGet();
      log.debug("ws_chat disconnected: {}", who.userId());
      ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      Optional<Request> request = read(frame);
      if (request.isEmpty()) {
        return;
      }
      // One message of a connection at a time, in arrival order, whatever the store's timing.
      CompletableFuture<?> previous = latest;
      CompletableFuture<Object> mine = new CompletableFuture<>();
      latest = mine;
      Runnable run =
          () -> {
            CompletionStage<?> handled;
            try {
              handled = request.get().handle();
            } catch (RuntimeException e) {
              handled = CompletableFuture.failedFuture(e);
            }
            handled.whenComplete(
                (done, failure) -> {
                  if (failure != null) {
                    log.warn("ws_chat message failed: {}", failure.getClass().getName());
                    error(Optional.empty(), ErrorCode.INTERNAL_ERROR, "Something went wrong.");
                  }
                  mine.complete(null);
                });
          };
      if (previous.isDone()) {
        run.run();
      } else {
        previous.whenCompleteAsync((done, failure) -> run.run(), ctx.executor());
      }
    }

    /** {@return the request {@code frame} makes}, or empty after telling the client what's wrong */
    private Optional<Request> read(WebSocketFrame frame) {
      if (!(frame instanceof TextWebSocketFrame text)) {
        return invalid(Optional.empty(), "Send JSON text messages.");
      }
      Optional<JsonNode> parsed = JsonText.parse(text.text());
      if (parsed.isEmpty()) {
        return invalid(Optional.empty(), "A message must be a JSON object.");
      }
      JsonNode message = parsed.get();
      JsonNode sessionNode = message.get("session_id");
      Optional<String> name;
      if (sessionNode == null || sessionNode.isNull()) {
        name = Optional.empty();
      } else if (!sessionNode.isTextual()
          || sessionNode.asText().isBlank()
          || sessionNode.asText().length() > MAX_SESSION_ID_CHARS) {
        return invalid(Optional.empty(), "session_id must be a string of 1 to 256 characters.");
      } else {
        name = Optional.of(sessionNode.asText());
      }
      JsonNode metadata = message.get("metadata");
      if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
        return invalid(name, "metadata must be an object.");
      }
      JsonNode content = message.get("content");
      if (content == null || !content.isObject()) {
        return invalid(name, "content must be an object.");
      }
      JsonNode type = message.get("type");
      String kind = type != null && type.isTextual() ? type.asText() : "";
      return switch (kind) {
        case "user_message" -> userMessage(name, content);
        case "interaction" -> interaction(name, content);
        case "feedback" -> feedback(name, content);
        default ->
            invalid(name, "Unknown message type; send user_message, interaction or feedback.");
      };
    }

    private Optional<Request> userMessage(Optional<String> name, JsonNode content) {
      JsonNode text = content.get("text");
      if (text == null || !text.isTextual()) {
        return invalid(name, "content.text must be a string.");
      }
      String said = text.asText();
      return Optional.of(() -> resolve(name, target -> submit(target, said)));
    }

    private Optional<Request> interaction(Optional<String> name, JsonNode content) {
      JsonNode idNode = content.get("id");
      if (idNode == null
          || !idNode.isTextual()
          || idNode.asText().isBlank()
          || idNode.asText().length() > MAX_ELEMENT_ID_CHARS) {
        return invalid(name, "content.id must name the element, 1 to 128 characters.");
      }
      JsonNode actionNode = content.get("action");
      if (actionNode != null && !actionNode.isNull() && !actionNode.isTextual()) {
        return invalid(name, "content.action must be a string, e.g. button_click.");
      }
      String id = idNode.asText();
      String action =
          actionNode == null || actionNode.isNull() ? "button_click" : actionNode.asText();
      Optional<GuidedExercise> started =
          CLICKS.contains(action) ? exercises.byId(id) : Optional.empty();
      if (started.isPresent()) {
        return Optional.of(
            () -> {
              Optional<String> named = name.or(() -> Optional.ofNullable(ownSession));
              JsonText.send(channel, messages.instruction(named, started.get()));
              return CompletableFuture.completedFuture(null);
            });
      }
      Optional<GuidedExercise> finished =
          action.equals("button_click") || action.equals("complete_exercise")
              ? exercises.byCompletionId(id)
              : Optional.empty();
      if (finished.isPresent()) {
        return Optional.of(() -> resolve(name, target -> complete(target, finished.get())));
      }
      return Optional.of(
          () -> {
            Optional<String> named = name.or(() -> Optional.ofNullable(ownSession));
            JsonText.send(channel, messages.received(named, id));
            return CompletableFuture.completedFuture(null);
          });
    }

    private Optional<Request> feedback(Optional<String> name, JsonNode content) {
      JsonNode rating = content.get("rating");
      if (rating == null || !rating.isIntegralNumber() || !rating.canConvertToInt()) {
        return invalid(name, "content.rating must be a whole number from 1 to 5.");
      }
      JsonNode text = content.get("text");
      if (text != null && !text.isNull() && !text.isTextual()) {
        return invalid(name, "content.text must be a string.");
      }
      int stars = rating.asInt();
      Optional<String> said =
          text == null || text.isNull() ? Optional.empty() : Optional.of(text.asText());
      return Optional.of(() -> resolve(name, target -> keepFeedback(target, stars, said)));
    }

    /**
     * Finds the session a message is for ({@code name}, else the connection's own session, made on
     * first use), follows it, then runs {@code then}; a session that cannot be had is an error.
     */
    private CompletionStage<?> resolve(
        Optional<String> name, Function<Target, CompletionStage<?>> then) {
      CompletionStage<JoinResult> joined =
          name.isPresent()
              ? SessionAliases.resolve(engine, who.userId(), name.get())
              : engine.joinAsync(who.userId(), Optional.ofNullable(ownSession));
      return joined.thenCompose(
          result -> {
            if (result instanceof JoinResult.Refused refused) {
              error(name, refused.error());
              return CompletableFuture.completedFuture(null);
            }
            String sessionId = ((JoinResult.Joined) result).session().sessionId();
            if (name.isEmpty()) {
              ownSession = sessionId;
            }
            Target target = new Target(sessionId, name.orElse(sessionId));
            following.follow(sessionId, channel, new Follower(target.name(), who.typing()));
            return then.apply(target);
          });
    }

    private CompletionStage<?> submit(Target target, String text) {
      return engine
          .submitAsync(
              who.userId(), target.sessionId(), text, followers.replies(target.sessionId()))
          .thenAccept(
              result -> {
                if (result instanceof SubmitResult.Refused refused) {
                  error(Optional.of(target.name()), refused.error());
                  return;
                }
                followers.userMessage(
                    target.sessionId(), text, System.currentTimeMillis(), channel);
              });
    }

    private CompletionStage<?> complete(Target target, GuidedExercise exercise) {
      return engine
          .completeExerciseAsync(who.userId(), target.sessionId(), exercise.id())
          .thenAccept(
              result -> {
                if (result instanceof RecordResult.Refused<ProgressMarker> refused) {
                  error(Optional.of(target.name()), refused.error());
                } else {
                  ProgressMarker marker = ((RecordResult.Recorded<ProgressMarker>) result).value();
                  JsonText.send(channel, messages.progress(target.name(), marker));
                }
              });
    }

    private CompletionStage<?> keepFeedback(Target target, int rating, Optional<String> text) {
      return engine
          .recordFeedbackAsync(who.userId(), target.sessionId(), rating, text)
          .thenAccept(
              result -> {
                if (result instanceof RecordResult.Refused<Feedback> refused) {
                  error(Optional.of(target.name()), refused.error());
                } else {
                  Feedback kept = ((RecordResult.Recorded<Feedback>) result).value();
                  JsonText.send(channel, messages.feedbackKept(target.name(), kept));
                }
              });
    }

    private Optional<Request> invalid(Optional<String> name, String detail) {
      error(name, ErrorCode.INVALID_PAYLOAD, detail);
      return Optional.empty();
    }

    private void error(Optional<String> name, ErrorCode code, String text) {
      error(name, ConversationError.of(code, text, text));
    }

    private void error(Optional<String> name, ConversationError error) {
      log.debug("ws_chat refused a message: {}", error.code());
      JsonText.send(channel, messages.error(name, error));
    }
  }

  /**
   * One reply, written to every {@code /ws/chat} connection following its session, each under its
   * own name for it: typing start when the message is assessed (for connections that asked), the
   * whole reply as one message when it is stored, then typing stop.
   */
  private final class Reply extends AssessedReply {
    private volatile SafetyAlert alert;
    private volatile boolean typingStarted;

    Reply(String sessionId) {
      super(sessionId);
    }

    @Override
    void assessed() {
      typingStarted = true;
      typing(true);
    }

    @Override
    public void onSafetyAlert(SafetyAlert alert) {
      this.alert = alert;
    }

    @Override
    public void onChunk(String chunk) {
      // Seed 004's clients take a reply whole: it goes out when complete.
    }

    @Override
    public void onComplete(String fullReply) {
      Optional<TurnAssessment> told = assessment();
      Optional<SafetyAlert> raised = Optional.ofNullable(alert);
      following.forEach(
          sessionId,
          (channel, follower) ->
              JsonText.send(channel, messages.reply(follower.name(), fullReply, told, raised)));
      typingStopped();
    }

    @Override
    public void onError(ConversationError error) {
      following.forEach(
          sessionId,
          (channel, follower) ->
              JsonText.send(channel, messages.error(Optional.of(follower.name()), error)));
      typingStopped();
    }

    private void typingStopped() {
      if (typingStarted) {
        typing(false);
      }
    }

    private void typing(boolean started) {
      following.forEach(
          sessionId,
          (channel, follower) -> {
            if (follower.typing()) {
              JsonText.send(channel, messages.typing(follower.name(), started));
            }
          });
    }
  }
}
