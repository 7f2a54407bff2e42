package dev.mia.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.json.JSONObject;

/**
 * A plain-WebSocket client on the JDK's {@link WebSocket}, for the server's JSON protocols: what it
 * receives is queued as JSON objects, in order; a close is queued as {@code {"type":"_closed",
 * "code", "reason"}}. Close it after the test.
 */
public final class WsClient implements AutoCloseable {
  private final WebSocket socket;
  private final LinkedBlockingQueue<JSONObject> received;

  private WsClient(WebSocket socket, LinkedBlockingQueue<JSONObject> received) {
    this.socket = socket;
    this.received = received;
  }

  /** {@return a client connected to {@code url} (ws://…) with the {@code headers} given} */
  public static WsClient connect(String url, Map<String, String> headers) {
    LinkedBlockingQueue<JSONObject> received = new LinkedBlockingQueue<>();
    WebSocket.Builder builder =
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    headers.forEach(builder::header);
    try {
      WebSocket socket =
          builder.buildAsync(URI.create(url), new Listener(received)).get(15, TimeUnit.SECONDS);
      return new WsClient(socket, received);
    } catch (Exception e) {
      throw new CompletionException(e.getCause() != null ? e.getCause() : e);
    }
  }

  /** {@return the HTTP status that refused a handshake to {@code url}, or fails if it succeeded} */
  public static int refusedStatus(String url) {
    try {
      connect(url, Map.of()).close();
      throw new AssertionError("the handshake succeeded");
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  /** Sends {@code message} as one text message. */
  public void send(String message) {
    socket.sendText(message, true).join();
  }

  /** Sends {@code message} as one text message. */
  public void send(JSONObject message) {
    send(message.toString());
  }

  /** {@return the next message received, waiting up to {@link TestClient#WAIT}} */
  public JSONObject next() {
    try {
      JSONObject message = received.poll(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (message == null) {
        throw new AssertionError("nothing received", new TimeoutException());
      }
      return message;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Asserts that nothing (no message, no close) arrives for {@code quiet}; fails as soon as
   * something does.
   */
  public void assertQuietFor(Duration quiet) {
    try {
      JSONObject message = received.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
      if (message != null) {
        throw new AssertionError("expected nothing for " + quiet + ", received " + message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** {@return every message up to and including the first of {@code type}} */
  public List<JSONObject> until(String type) {
    List<JSONObject> seen = new ArrayList<>();
    while (true) {
      JSONObject message = next();
      seen.add(message);
      if (type.equals(message.optString("type"))) {
        return seen;
      }
    }
  }

  /** {@return the next message of {@code type}, skipping others} */
  public JSONObject await(String type) {
    List<JSONObject> seen = until(type);
    return seen.get(seen.size() - 1);
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS);
    }
    socket.abort();
  }

  private static final class Listener implements WebSocket.Listener {
    private final LinkedBlockingQueue<JSONObject> received;
    private final StringBuilder partial = new StringBuilder();

    Listener(LinkedBlockingQueue<JSONObject> received) {
      this.received = received;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(new JSONObject(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      received.add(
          new JSONObject().put("type", "_closed").put("code", statusCode).put("reason", reason));
      return CompletableFuture.completedFuture(null);
    }
  }
}
