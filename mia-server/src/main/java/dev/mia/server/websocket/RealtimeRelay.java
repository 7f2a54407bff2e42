package dev.mia.server.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.ErrorCode;
import dev.mia.core.conversation.HeardResult;
import dev.mia.core.conversation.SafetyAlert;
import dev.mia.core.conversation.SaidResult;
import dev.mia.core.conversation.TurnAssessment;
import dev.mia.core.conversation.Voice;
import dev.mia.core.safety.CrisisResource;
import dev.mia.core.session.Session;
import dev.mia.server.config.RealtimeConfig;
import dev.mia.server.follow.ConnectionCap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One voice connection of {@link RealtimeEndpoint}: a client, its Mia session, and its own
 * connection to the Realtime API ({@link RealtimeUpstream}, opened once the client's handshake is
 * done and closed when the client leaves).
 *
 * <p><b>Relaying.</b> Every event of the API reaches the client as {@code openai_event}, in order.
 * The client's messages go to the API in the order they came, behind Mia's own first {@code
 * session.update} (her instructions, voice, audio format, transcription, voice activity detection,
 * temperature, reply length). Mia owns the instructions and the transcription: a client's {@code
 * session.update} and {@code response.create} lose their {@code instructions} (and {@code
 * input_audio_transcription}), and a {@code system} item is refused.
 *
 * <p><b>Safety.</b> The user's words go through the engine's {@link Voice}: typed text ({@code
 * text_message}, a user item of {@code input_text}) before it goes to the API, a transcript of
 * their speech as soon as the API gives it. A tier of 2 or 3 sends the client {@code safety_alert}
 * with the crisis resources; changed instructions go to the API at once; and after an alert on
 * speech, the reply is asked for again under the new instructions (a reply under way is cancelled
 * first), so that Mia answers a crisis as she does in chat. The API's errors that this may provoke
 * (nothing to cancel, a reply already under way), told apart by the event ids the relay gives its
 * own events, are not passed on. Transcripts and Mia's finished replies are kept in the session,
 * one after another in the order they came.
 *
 * <p><b>Limits.</b> One message's audio is at most {@link RealtimeConfig#maxAudioBytes()}; the
 * client's messages waiting for the API (before it is connected, behind an assessment, or in the
 * socket's buffer) hold at most {@link RealtimeConfig#maxBufferedBytes()}: beyond either the
 * message is refused with a typed {@code error} ({@code AUDIO_TOO_LARGE}, {@code BUSY}) and the
 * connection stays. A client that reads too slowly pauses the reading of the API's events. A
 * failure of the API's connection (unreachable, refused, closed) ends the client's with {@code
 * error} {@code MODEL_UNAVAILABLE} and close code 1011; an API {@code error} event is also told as
 * {@code error} {@code MODEL_ERROR}.
 *
 * <p><b>Threads.</b> Everything runs on the client connection's event loop, the API's connection
 * included; the engine's answers come back to it. No field needs a lock.
 */
final class RealtimeRelay extends SimpleChannelInboundHandler<WebSocketFrame>
    implements RealtimeUpstream.Listener {
  private static final Logger log = LoggerFactory.getLogger(RealtimeRelay.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a voice connection offers, as {@code welcome} lists it. */
  static final List<String> FEATURES =
      List.of("text_chat", "voice_chat", "emotional_support", "safety_alerts");

  // The API's answers to the relay's own safety cancel and re-ask when they were not needed,
  // recognised by the event ids the relay gave them.
  private static final Set<String> EXPECTED_ERRORS =
      Set.of("response_cancel_not_active", "conversation_already_has_active_response");
  private static final String SAFETY_EVENT = "mia_safety_";

  /** Who an admitted connection is: the user, whether a token said so, the session, its place. */
  record Caller(String userId, boolean authenticated, Session session, ConnectionCap.Place place) {}

  /** Where and how to reach the Realtime API. */
  record Upstream(
      URI endpoint,
      Optional<String> apiKey,
      Optional<SslContext> tls,
      RealtimeConfig settings,
      Executor lookups) {}

  /** One message for the API, and whether it asks for a reply. */
  private record Frame(String json, boolean asksForReply) {}

  /** Frames waiting their turn to go to the API; their bytes count against the client's limit. */
  private record Waiting(CompletableFuture<List<Frame>> frames, long bytes) {}

  private final Caller caller;
  private final String sessionId;
  private final Upstream target;
  private final RealtimeConfig settings;
  private final Voice voice;
  private final JsonText json;
  // The fields below are touched only on the connection's event loop.
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private long waitingBytes;
  private Channel channel;
  private RealtimeUpstream upstream;
  private boolean closed;
  private String instructions;
  private boolean replyUnderWay;
  private int repliesAsked;
  private int safetyEvents;
  // The engine's writes, chained so that the history keeps the order they came in.
  private CompletableFuture<?> history = CompletableFuture.completedFuture(null);

  RealtimeRelay(Caller caller, Upstream target, Voice voice, JsonText json) {
    this.caller = caller;
    this.sessionId = caller.session().sessionId();
    this.target = target;
    this.settings = target.settings();
    this.voice = voice;
    this.json = json;
    this.instructions = voice.instructions(caller.session());
  }

  // ---- the client's side

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      channel = ctx.channel();
      welcome();
      if (target.apiKey().isEmpty()) {
        end("Mia's voice is not available on this server.", "no OPENAI_API_KEY is configured");
        return;
      }
      log.info("voice session {} opened", sessionId);
      enqueue(List.of(new Frame(sessionSetup(), false)), 0);
      upstream =
          RealtimeUpstream.connect(
              channel.eventLoop(),
              target.endpoint(),
              target.apiKey().get(),
              target.tls(),
              settings.connectTimeout(),
              settings.maxBufferedBytes(),
              target.lookups(),
              this);
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  private void welcome() {
    ObjectNode message = json.message("welcome");
    ObjectNode payload = message.putObject("payload");
    payload.put("message", "Connected to Mia");
    payload.put("sessionId", sessionId);
    payload.put("userId", caller.userId());
    payload.put("authenticated", caller.authenticated());
    ArrayNode features = payload.putArray("features");
    FEATURES.forEach(features::add);
    send(message);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (closed) {
      return;
    }
    if (!(frame instanceof TextWebSocketFrame text)) {
      error(ErrorCode.INVALID_PAYLOAD.name(), "Send JSON text messages.", "a binary message");
      return;
    }
    Optional<JsonNode> parsed = JsonText.parse(text.text());
    if (parsed.isEmpty()) {
      error(ErrorCode.INVALID_PAYLOAD.name(), "A message must be a JSON object.", "not JSON");
      return;
    }
    JsonNode message = parsed.get();
    JsonNode payload = message.path("payload");
    switch (message.path("type").asText("")) {
      case "ping" -> {
        ObjectNode pong = json.message("pong");
        pong.put("sessionId", sessionId);
        send(pong);
      }
      case "openai_event" -> openAiEvent(payload);
      case "text_message" -> textMessage(payload);
      case "audio_data" -> audioData(payload);
      case "audio_commit" ->
          forward(
              List.of(
                  new Frame(event("input_audio_buffer.commit"), false),
                  new Frame(event("response.create"), true)));
      case "audio_clear" -> forward(List.of(new Frame(event("input_audio_buffer.clear"), false)));
      default ->
          error(
              ErrorCode.INVALID_PAYLOAD.name(),
              "Unknown message type; send openai_event, text_message, audio_data, audio_commit,"
                  + " audio_clear or ping.",
              "unknown type");
    }
  }

  private void openAiEvent(JsonNode payload) {
    if (!payload.isObject() || !payload.path("type").isTextual()) {
      error(
          ErrorCode.INVALID_PAYLOAD.name(),
          "payload must be a Realtime API event: an object with a type.",
          "payload is not an event");
      return;
    }
    ObjectNode event = (ObjectNode) payload;
    switch (event.get("type").asText()) {
      case "input_audio_buffer.append" -> {
        if (audioFits(event.get("audio"))) {
          forward(List.of(new Frame(write(event), false)));
        }
      }
      case "session.update" -> {
        if (event.path("session").isObject()) {
          // Mia's instructions and the transcripts her safety reads are not the client's to change.
          ((ObjectNode) event.get("session"))
              .remove(List.of("instructions", "input_audio_transcription"));
        }
        forward(List.of(new Frame(write(event), false)));
      }
      case "response.create" -> {
        if (event.path("response").isObject()) {
          ((ObjectNode) event.get("response")).remove("instructions");
        }
        forward(List.of(new Frame(write(event), true)));
      }
      case "conversation.item.create" -> item(event);
      default -> forward(List.of(new Frame(write(event), false)));
    }
  }

  private void item(ObjectNode event) {
    JsonNode item = event.path("item");
    String role = item.path("role").asText("");
    if (role.equals("system")) {
      error(
          ErrorCode.INVALID_PAYLOAD.name(),
          "Mia's instructions come from the server; a system item cannot be sent.",
          "system item");
      return;
    }
    StringBuilder typed = new StringBuilder();
    if (role.equals("user")) {
      for (JsonNode part : item.path("content")) {
        if (part.path("type").asText("").equals("input_text") && part.path("text").isTextual()) {
          typed.append(typed.length() == 0 ? "" : "\n").append(part.get("text").asText());
        }
      }
    }
    List<Frame> frames = List.of(new Frame(write(event), false));
    if (typed.length() == 0) {
      forward(frames);
    } else {
      typed(typed.toString(), frames);
    }
  }

  private void textMessage(JsonNode payload) {
    JsonNode text = payload.path("text");
    if (!text.isTextual()) {
      error(ErrorCode.INVALID_PAYLOAD.name(), "payload.text must be a string.", "no text");
      return;
    }
    ObjectNode create = JSON.createObjectNode();
    create.put("type", "conversation.item.create");
    ObjectNode item = create.putObject("item");
    item.put("type", "message");
    item.put("role", "user");
    ObjectNode part = item.putArray("content").addObject();
    part.put("type", "input_text");
    part.put("text", text.asText());
    typed(
        text.asText(),
        List.of(new Frame(write(create), false), new Frame(event("response.create"), true)));
  }

  private void audioData(JsonNode payload) {
    JsonNode audio = payload.path("audio");
    if (audioFits(audio)) {
      ObjectNode append = JSON.createObjectNode();
      append.put("type", "input_audio_buffer.append");
      append.set("audio", audio);
      forward(List.of(new Frame(write(append), false)));
    }
  }

  /** {@return whether {@code audio} is base64 of at most the allowed size; if not, says so} */
  private boolean audioFits(JsonNode audio) {
    int bytes = audio != null && audio.isTextual() ? decodedLength(audio.asText()) : -1;
    if (bytes <= 0) {
      error(
          ErrorCode.INVALID_PAYLOAD.name(),
          "audio must be base64-encoded " + settings.audioFormat() + " audio.",
          "audio is missing or not base64");
      return false;
    }
    if (bytes > settings.maxAudioBytes()) {
      error(
          "AUDIO_TOO_LARGE",
          "That piece of audio is too large; send audio in smaller pieces.",
          bytes + " bytes, limit " + settings.maxAudioBytes());
      return false;
    }
    return true;
  }

  /** {@return the length of what {@code base64} decodes to, or -1 if it is not base64} */
  static int decodedLength(String base64) {
    int length = base64.length();
    if (length % 4 != 0) {
      return -1;
    }
    int padding = 0;
    for (int i = 0; i < length; i++) {
      char c = base64.charAt(i);
      boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (c == '=' && i >= length - 2) {
        padding++;
      } else if (padding > 0 || !(letter || c == '+' || c == '/')) {
        return -1;
      }
    }
    return length / 4 * 3 - padding;
  }

  /** Typed words: assessed, and kept, before {@code frames} go to the API. */
  private void typed(String words, List<Frame> frames) {
    long bytes = bytesOf(frames);
    if (!roomFor(bytes)) {
      return;
    }
    CompletableFuture<List<Frame>> ready = new CompletableFuture<>();
    enqueue(ready, bytes);
    onLoop(
        inOrder(() -> voice.heardAsync(caller.userId(), sessionId, words, Voice.Input.TYPED))
            .exceptionally(
                failure ->
                    new HeardResult.Refused(
                        ConversationError.of(
                            ErrorCode.INTERNAL_ERROR,
                            "Something went wrong.",
                            failure.getClass().getSimpleName()))),
        result -> {
          if (result instanceof HeardResult.Refused refused) {
            error(refused.error());
            ready.complete(List.of());
            return;
          }
          HeardResult.Heard heard = (HeardResult.Heard) result;
          List<Frame> then = new ArrayList<>(heard(heard, "text"));
          then.addAll(frames);
          ready.complete(then);
        });
  }

  /** Frames of the client's that pass through as they are, if there is room for them. */
  private void forward(List<Frame> frames) {
    long bytes = bytesOf(frames);
    if (roomFor(bytes)) {
      enqueue(CompletableFuture.completedFuture(frames), bytes);
    }
  }

  private static long bytesOf(List<Frame> frames) {
    long bytes = 0;
    for (Frame f : frames) {
      bytes += f.json().length();
    }
    return bytes;
  }

  /**
   * {@return whether {@code bytes} more may wait for the API} If not, the client hears {@code
   * BUSY}.
   */
  private boolean roomFor(long bytes) {
    boolean socketFull = upstream != null && upstream.isOpen() && !upstream.isWritable();
    if (!socketFull && waitingBytes + bytes <= settings.maxBufferedBytes()) {
      return true;
    }
    error(
        ErrorCode.BUSY.name(),
        "Too much is waiting to reach Mia's voice; slow down and try again.",
        (socketFull
                ? "the connection to the Realtime API is full"
                : waitingBytes + " bytes waiting")
            + ", limit "
            + settings.maxBufferedBytes());
    return false;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // A client that reads slowly slows the API down rather than filling this server's memory.
    if (upstream != null) {
      upstream.pauseReading(!ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (upstream != null) {
      upstream.close();
    }
    waiting.clear();
    waitingBytes = 0;
    caller.place().close();
    log.info("voice session {} closed", sessionId);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("voice session {}: {}", sessionId, cause.getClass().getName());
    ctx.close();
  }

  // ---- the API's side

  @Override
  public void upstreamOpen() {
    log.debug("voice session {}: Realtime API connected", sessionId);
    drain();
  }

  @Override
  public void upstreamEvent(String text) {
    if (closed) {
      return;
    }
    Optional<JsonNode> parsed = JsonText.parse(text);
    if (parsed.isEmpty()) {
      log.debug("voice session {}: an API message that is not a JSON object", sessionId);
      return;
    }
    JsonNode event = parsed.get();
    String type = event.path("type").asText("");
    if (type.equals("error")
        && event.path("error").path("event_id").asText("").startsWith(SAFETY_EVENT)
        && EXPECTED_ERRORS.contains(event.path("error").path("code").asText(""))) {
      return;
    }
    channel.writeAndFlush(
        new TextWebSocketFrame(
            "{\"type\":\"openai_event\",\"payload\":"
                + text
                + ",\"timestamp\":\""
                + json.now()
                + "\",\"sessionId\":\""
                + sessionId
                + "\"}"));
    switch (type) {
      case "response.created" -> {
        replyUnderWay = true;
        repliesAsked = Math.max(0, repliesAsked - 1);
      }
      case "response.done" -> replyUnderWay = false;
      case "conversation.item.input_audio_transcription.completed" ->
          spoken(event.path("transcript").asText(""));
      case "response.audio_transcript.done", "response.output_audio_transcript.done" ->
          said(event.path("transcript").asText(""));
      case "response.text.done", "response.output_text.done" -> said(event.path("text").asText(""));
      case "error" -> {
        JsonNode failure = event.path("error");
        error(
            "MODEL_ERROR",
            failure.path("message").asText("The Realtime API reported an error."),
            failure.path("code").asText(failure.path("type").asText("error")));
      }
      default -> {
        // Relayed only.
      }
    }
  }

  @Override
  public void upstreamClosed(boolean wasOpen, String detail) {
    if (closed) {
      return;
    }
    log.info("voice session {}: {}", sessionId, detail);
    end(
        wasOpen
            ? "Mia's voice connection ended. Please reconnect to go on."
            : "Mia's voice is not available right now. Please try again in a moment.",
        detail);
  }

  /** A transcript of the user's speech: assessed and kept as soon as it comes. */
  private void spoken(String words) {
    if (words.isBlank()) {
      return;
    }
    onLoop(
        inOrder(() -> voice.heardAsync(caller.userId(), sessionId, words, Voice.Input.SPOKEN)),
        result -> {
          if (result instanceof HeardResult.Heard heard) {
            List<Frame> then = new ArrayList<>(heard(heard, "speech"));
            if (heard.alert().isPresent()) {
              // The reply to these words began before they were assessed: ask again, under the
              // instructions the alert brought.
              safetyEvents++;
              if (replyUnderWay || repliesAsked > 0) {
                then.add(new Frame(safetyEvent("response.cancel", "cancel"), false));
              }
              then.add(new Frame(safetyEvent("response.create", "reply"), true));
            }
            enqueue(CompletableFuture.completedFuture(then), 0);
          }
        });
  }

  /** Mia's finished reply (the transcript of her speech, or her text): kept. */
  private void said(String words) {
    if (words.isBlank()) {
      return;
    }
    onLoop(
        inOrder(() -> voice.saidAsync(caller.userId(), sessionId, words)),
        result -> {
          if (result instanceof SaidResult.Refused refused) {
            error(refused.error());
          }
        });
  }

  /**
   * Tells the client what the engine made of the user's words; {@return the frames that bring the
   * API's instructions up to date, if they changed}
   */
  private List<Frame> heard(HeardResult.Heard heard, String source) {
    heard.notStored().ifPresent(this::error);
    heard.alert().ifPresent(alert -> alert(alert, heard.assessment(), source));
    if (heard.instructions().equals(instructions)) {
      return List.of();
    }
    instructions = heard.instructions();
    ObjectNode update = JSON.createObjectNode();
    update.put("type", "session.update");
    update.putObject("session").put("instructions", instructions);
    return List.of(new Frame(write(update), false));
  }

  private void alert(SafetyAlert alert, TurnAssessment assessment, String source) {
    ObjectNode message = json.message("safety_alert");
    ObjectNode payload = message.putObject("payload");
    payload.put("tier", alert.tier().level());
    payload.put("sessionId", sessionId);
    payload.put("riskLevel", assessment.riskLevel());
    payload.put("source", source);
    payload.put(
        "message",
        "If you are in immediate danger, call your local emergency number. You are not alone:"
            + " people at these lines want to help, any time.");
    ArrayNode resources = payload.putArray("resources");
    for (CrisisResource r : alert.resources()) {
      ObjectNode one = resources.addObject();
      one.put("name", r.name());
      one.put("contact", r.contact());
      one.put("description", r.description());
    }
    message.put("sessionId", sessionId);
    send(message);
  }

  // ---- plumbing

  private void enqueue(List<Frame> frames, long bytes) {
    enqueue(CompletableFuture.completedFuture(frames), bytes);
  }

  private void enqueue(CompletableFuture<List<Frame>> frames, long bytes) {
    if (closed) {
      return;
    }
    waiting.add(new Waiting(frames, bytes));
    waitingBytes += bytes;
    drain();
  }

  /** Sends what is ready, in order, while the API's connection is open. */
  private void drain() {
    if (closed || upstream == null || !upstream.isOpen()) {
      return;
    }
    boolean sent = false;
    while (!waiting.isEmpty() && waiting.peek().frames().isDone()) {
      Waiting next = waiting.poll();
      waitingBytes -= next.bytes();
      for (Frame frame : next.frames().getNow(List.of())) {
        upstream.send(frame.json());
        if (frame.asksForReply()) {
          repliesAsked++;
        }
        sent = true;
      }
    }
    if (sent) {
      upstream.flush();
    }
  }

  /** {@return the stage {@code call} makes, started once every earlier write has ended} */
  private <T> CompletableFuture<T> inOrder(Supplier<CompletionStage<T>> call) {
    CompletableFuture<T> next =
        history.handle((done, failure) -> null).thenCompose(ignored -> call.get());
    history = next;
    return next;
  }

  /**
   * Runs {@code then} with the stage's value on this connection's loop, then sends what is ready.
   */
  private <T> void onLoop(CompletableFuture<T> stage, Consumer<T> then) {
    stage.whenComplete(
        (value, failure) -> {
          try {
            channel
                .eventLoop()
                .execute(
                    () -> {
                      if (failure != null) {
                        log.warn(
                            "voice session {}: the engine failed: {}",
                            sessionId,
                            failure.getClass().getName());
                        error(ErrorCode.INTERNAL_ERROR.name(), "Something went wrong.", "engine");
                      } else if (!closed) {
                        then.accept(value);
                      }
                      drain();
                    });
          } catch (RejectedExecutionException e) {
            // The server is stopping and this connection with it.
          }
        });
  }

  private void error(ConversationError error) {
    error(error.code().name(), error.message(), error.detail());
  }

  private void error(String code, String message, String details) {
    if (channel == null || !channel.isActive()) {
      return;
    }
    ObjectNode error = json.message("error");
    ObjectNode payload = error.putObject("payload");
    payload.put("message", message);
    payload.put("details", details);
    payload.put("code", code);
    error.put("sessionId", sessionId);
    send(error);
  }

  /** Tells the client why, and closes its connection: the API's side cannot go on. */
  private void end(String message, String details) {
    error(ErrorCode.MODEL_UNAVAILABLE.name(), message, details);
    closed = true;
    if (upstream != null) {
      upstream.close();
    }
    channel
        .writeAndFlush(new CloseWebSocketFrame(1011, "voice unavailable"))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void send(ObjectNode message) {
    if (!message.has("sessionId")) {
      message.put("sessionId", sessionId);
    }
    JsonText.send(channel, message);
  }

  /** Mia's setup of the API's session: sent first on every connection. */
  private String sessionSetup() {
    ObjectNode update = JSON.createObjectNode();
    update.put("type", "session.update");
    ObjectNode session = update.putObject("session");
    session.putArray("modalities").add("text").add("audio");
    session.put("instructions", instructions);
    session.put("voice", settings.voice());
    session.put("input_audio_format", settings.audioFormat());
    session.put("output_audio_format", settings.audioFormat());
    session.putObject("input_audio_transcription").put("model", settings.transcriptionModel());
    ObjectNode turns = session.putObject("turn_detection");
    turns.put("type", "server_vad");
    turns.put("silence_duration_ms", settings.vadSilence().toMillis());
    session.put("temperature", settings.temperature());
    session.put("max_response_output_tokens", settings.maxResponseTokens());
    return write(update);
  }

  private String safetyEvent(String type, String what) {
    return "{\"type\":\""
        + type
        + "\",\"event_id\":\""
        + SAFETY_EVENT
        + what
        + "_"
        + safetyEvents
        + "\"}";
  }

  private static String event(String type) {
    return "{\"type\":\"" + type + "\"}";
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON message", e);
    }
  }
}
