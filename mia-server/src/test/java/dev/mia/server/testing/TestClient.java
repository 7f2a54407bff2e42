package dev.mia.server.testing;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * A socket.io-client-java connection that records every event it receives, in order, so a test can
 * wait for one and look at what came before it.
 */
public final class TestClient implements AutoCloseable {
  /** How long a test waits for an event before failing. */
  public static final Duration WAIT = Duration.ofSeconds(15);

  private static final List<String> EVENTS =
      List.of(
          Socket.EVENT_CONNECT,
          Socket.EVENT_CONNECT_ERROR,
          Socket.EVENT_DISCONNECT,
          "session_created",
          "safety_alert",
          "message_chunk",
          "message_complete",
          "user_message",
          "typing",
          "error");

  /** The transport a client uses. */
  public enum Transport {
    WEBSOCKET(WebSocket.NAME),
    POLLING(Polling.NAME);

    final String name;

    Transport(String name) {
      this.name = name;
    }
  }

  /** One received event; {@code payload} is the first argument, or null. */
  public record Event(String name, Object payload) {
    /** {@return the payload as a JSON object} */
    public JSONObject json() {
      return (JSONObject) payload;
    }
  }

  private final Socket socket;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

  private TestClient(Socket socket) {
    this.socket = socket;
    for (String name : EVENTS) {
      socket.on(name, args -> events.add(new Event(name, args.length > 0 ? args[0] : null)));
    }
  }

  /** {@return a client connecting anonymously over {@code transport}} */
  public static TestClient connect(String url, Transport transport) {
    return connect(url, transport, Optional.empty(), Map.of());
  }

  /** {@return a client connecting with an optional {@code auth.token} and extra headers} */
  public static TestClient connect(
      String url,
      Transport transport,
      Optional<String> authToken,
      Map<String, List<String>> headers) {
    IO.Options options =
        IO.Options.builder()
            .setTransports(new String[] {transport.name})
            .setReconnection(false)
            .setForceNew(true)
            .setExtraHeaders(headers)
            .setAuth(authToken.map(t -> Map.of("token", t)).orElse(null))
            .build();
    Socket socket = IO.socket(URI.create(url), options);
    TestClient client = new TestClient(socket);
    socket.connect();
    return client;
  }

  /** Waits for the connection; {@return this client} */
  public TestClient connected() {
    Event event = next(Socket.EVENT_CONNECT, Socket.EVENT_CONNECT_ERROR);
    if (!event.name().equals(Socket.EVENT_CONNECT)) {
      throw new AssertionError("connection failed: " + event.payload());
    }
    return this;
  }

  /**
   * Waits for the server to refuse the connection; {@return the {@code connect_error} payload,
   * {@code {message, data}}}. A {@code connect} before it is skipped: a server that refuses from
   * its connect listener (the CONNECT packet carried no {@code auth}) has already acknowledged the
   * CONNECT packet when it sends the refusal.
   *
   * @throws AssertionError if no refusal arrives, or the connection fails some other way
   */
  public JSONObject connectError() {
    Event event = next(Socket.EVENT_CONNECT_ERROR, Socket.EVENT_DISCONNECT);
    if (!event.name().equals(Socket.EVENT_CONNECT_ERROR)
        || !(event.payload() instanceof JSONObject refusal)) {
      throw new AssertionError("expected a connect_error with data, got " + event);
    }
    return refusal;
  }

  /** Sends an event. */
  public void emit(String event, Object... args) {
    socket.emit(event, args);
  }

  /** Sends an event with an acknowledgement callback; {@return the future first ack argument} */
  public CompletableFuture<Object> emitWithAck(String event, Object payload) {
    CompletableFuture<Object> ack = new CompletableFuture<>();
    socket.emit(
        event,
        new Object[] {payload},
        (Ack) args -> ack.complete(args.length > 0 ? args[0] : null));
    return ack;
  }

  /** {@return the next event named one of {@code names}, dropping any other events before it} */
  public Event next(String... names) {
    List<String> wanted = List.of(names);
    for (Event e : until(names)) {
      if (wanted.contains(e.name())) {
        return e;
      }
    }
    throw new AssertionError("unreachable");
  }

  /** {@return the payload of the next event with this name} */
  public JSONObject await(String name) {
    return next(name).json();
  }

  /**
   * {@return every event received up to and including the first named one of {@code names}}
   *
   * @throws AssertionError if none arrives within {@link #WAIT}
   */
  public List<Event> until(String... names) {
    List<String> wanted = List.of(names);
    List<Event> seen = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
        if (e == null) {
          throw new AssertionError(
              "no " + wanted + " within " + WAIT + "; received " + names(seen),
              new TimeoutException());
        }
        seen.add(e);
        if (wanted.contains(e.name())) {
          return seen;
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", ex);
    }
  }

  /** {@return events received so far and not yet taken} */
  public List<Event> drain() {
    List<Event> rest = new ArrayList<>();
    events.drainTo(rest);
    return rest;
  }

  /** {@return whether the socket is connected} */
  public boolean isConnected() {
    return socket.connected();
  }

  /** Disconnects. */
  @Override
  public void close() {
    socket.disconnect();
    socket.close();
  }

  private static List<String> names(List<Event> events) {
    return events.stream().map(Event::name).toList();
  }

  /**
   * Emits {@code join_session} for {@code sessionId} (null: a new session) and {@return the {@code
   * session_created} payload}
   */
  public JSONObject join(String sessionId) {
    emit("join_session", json("sessionId", sessionId));
    return await("session_created");
  }

  /**
   * {@return each entry of a {@code session_created} payload's history as {@code role:content},
   * with {@code :status:code} added when it is marked}
   */
  public static List<String> historyOf(JSONObject session) {
    JSONArray history = session.getJSONArray("conversationHistory");
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < history.length(); i++) {
      JSONObject m = history.getJSONObject(i);
      entries.add(
          m.getString("role")
              + ":"
              + m.getString("content")
              + (m.has("status") ? ":" + m.getString("status") + ":" + m.optString("code") : ""));
    }
    return entries;
  }

  /**
   * {@return a value that socket.io-client-java writes into the packet as {@code json}, verbatim}
   * For payloads the client would otherwise normalise: escaped lone surrogates, invalid JSON.
   */
  public static Object rawJson(String json) {
    return (org.json.JSONString) () -> json;
  }

  /** {@return a JSON object of alternating keys and values; a null value is JSON null} */
  public static JSONObject json(Object... keysAndValues) {
    JSONObject o = new JSONObject();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object value = keysAndValues[i + 1];
      o.put((String) keysAndValues[i], value == null ? JSONObject.NULL : value);
    }
    return o;
  }
}
