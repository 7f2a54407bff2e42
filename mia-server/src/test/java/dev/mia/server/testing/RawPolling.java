package dev.mia.server.testing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;

/**
 * Engine.IO 4 long-polling by hand, for tests that need packets in an order no real client library
 * lets them choose.
 */
public final class RawPolling {
  private static final String PATH = "/socket.io/?EIO=4&transport=polling";

  private final RunningServer server;

  public RawPolling(RunningServer server) {
    this.server = server;
  }

  /** {@return the session id of a new Engine.IO session, from its open packet} */
  public String open() {
    return new JSONObject(get(null).substring(1)).getString("sid");
  }

  /** {@return the body of a poll of session {@code sid}, or of a new session's open if null} */
  public String get(String sid) {
    return server
        .send(HttpRequest.newBuilder().GET(), PATH + (sid == null ? "" : "&sid=" + sid))
        .body();
  }

  /** {@return a poll of session {@code sid} that the server may answer later} */
  public CompletableFuture<HttpResponse<String>> poll(String sid) {
    return server.sendAsync(HttpRequest.newBuilder().GET(), PATH + "&sid=" + sid);
  }

  /** {@return the body of the answer to {@code body} posted to session {@code sid}} */
  public String post(String sid, String body) {
    return server
        .send(
            HttpRequest.newBuilder()
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)),
            PATH + "&sid=" + sid)
        .body();
  }
}
