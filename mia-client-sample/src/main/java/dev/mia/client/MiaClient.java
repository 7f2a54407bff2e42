package dev.mia.client;

import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * A command-line chat with a Mia server, and an example of its Socket.IO protocol from Java.
 *
 * <pre>
 * java -jar mia-client.jar [--url URL] [--token JWT | --user ID] [--session ID]
 *                          [--transport websocket|polling] [message...]
 * </pre>
 *
 * <p>The client connects (with {@code auth: {token}} when it has one), emits {@code join_session}
 * and prints the {@code session_created} it gets back. Then it sends each message with {@code
 * message} and prints the reply as its {@code message_chunk}s stream in, waiting for {@code
 * message_complete} before it sends the next one. With no messages on the command line, each
 * non-blank line of standard input is a message, until end of input. {@code safety_alert}s and
 * their crisis lines go to standard output, {@code error}s to standard error.
 *
 * <p>Exit codes: 0 when every message was answered, 1 after a server {@code error} event, 2 for a
 * bad command line, 3 when the token or the connection could not be had.
 *
 * <p>Threading: socket.io-client-java calls listeners on its own event thread; they only put the
 * event on a queue, and the calling thread takes events from it, prints them and decides what to
 * send next. So all the logic below runs on one thread, in order.
 */
public final class MiaClient {
  static final int OK = 0;
  static final int SERVER_ERROR = 1;
  static final int USAGE = 2;
  static final int NO_CONNECTION = 3;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(2);
  // Reset by every event, so a long streamed reply is fine; silence this long means a dead link.
  private static final Duration REPLY_SILENCE_TIMEOUT = Duration.ofMinutes(2);
  private static final List<String> EVENTS =
      List.of(
          Socket.EVENT_CONNECT,
          Socket.EVENT_CONNECT_ERROR,
          Socket.EVENT_DISCONNECT,
          "session_created",
          "safety_alert",
          "message_chunk",
          "message_complete",
          "error");

  /** One event from the server: its name and first argument (a JSONObject for Mia's events). */
  private record Event(String name, Object payload) {
    JSONObject json() {
      return payload instanceof JSONObject o ? o : new JSONObject();
    }
  }

  /** Ends the conversation early with an exit code, after the reason has been printed. */
  private static final class Stop extends Exception {
    final int code;

    Stop(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  private final Options options;
  private final PrintStream out;
  private final PrintStream err;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  // Whether stdout has a streamed chunk without its newline yet; only the calling thread uses it.
  private boolean midLine;

  private MiaClient(Options options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    // Exits explicitly: that sets the code, and no stray non-daemon thread can keep us alive.
    System.exit(run(args, System.in, System.out, System.err));
  }

  /** Runs the client as {@link #main} would; {@return the exit code} */
  static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (Options.UsageException e) {
      err.println("mia-client: " + e.getMessage());
      err.println(Options.USAGE);
      return USAGE;
    }
    if (options.help()) {
      out.println(Options.USAGE);
      return OK;
    }
    Iterator<String> messages =
        options.messages().isEmpty() ? lines(in) : options.messages().iterator();
    try {
      return new MiaClient(options, out, err).chat(messages);
    } catch (Stop stop) {
      return stop.code;
    }
  }

  private int chat(Iterator<String> messages) throws Stop {
    Optional<String> token = options.token();
    if (options.user().isPresent()) {
      token = Optional.of(fetchToken(options.user().get()));
    }
    // Our own OkHttp client, so that closing it leaves no threads behind when run() returns.
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
    IO.Options io =
        IO.Options.builder()
            .setTransports(new String[] {options.transport()})
            .setReconnection(false) // a CLI run is one conversation; a drop ends it
            .setForceNew(true)
            .setTimeout(CONNECT_TIMEOUT.toMillis())
            .setAuth(token.map(t -> Map.of("token", t)).orElse(null))
            .build();
    io.callFactory = http;
    io.webSocketFactory = http;
    Socket socket = IO.socket(options.url(), io);
    for (String name : EVENTS) {
      socket.on(name, args -> events.add(new Event(name, args.length > 0 ? args[0] : null)));
    }
    // Listening from the start: a refused socket closes its engine before we call close().
    CountDownLatch engineClosed = new CountDownLatch(1);
    socket.io().on(Manager.EVENT_CLOSE, args -> engineClosed.countDown());
    try {
      socket.connect();
      return converse(socket, messages);
    } finally {
      close(socket, http, engineClosed);
    }
  }

  /** Says goodbye to the server, then stops the HTTP client's threads. */
  private void close(Socket socket, OkHttpClient http, CountDownLatch engineClosed) {
    boolean open = socket.connected();
    socket.close();
    // Over polling, the goodbye is an HTTP request of its own, and the engine closes once it has
    // been sent. Wait for that, so the server learns now that we left, not at its ping timeout.
    try {
      if (open) {
        engineClosed.await(GOODBYE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.dispatcher().executorService().shutdown();
    if (options.transport().equals("polling")) {
      http.dispatcher().cancelAll(); // the last long poll, which the server may leave unanswered
    }
    http.connectionPool().evictAll();
  }

  private int converse(Socket socket, Iterator<String> messages) throws Stop {
    Event first = poll(CONNECT_TIMEOUT);
    if (first == null) {
      printError("", "could not connect to " + options.url() + ": no answer within 10 s");
      throw new Stop(NO_CONNECTION);
    } else if (!first.name().equals(Socket.EVENT_CONNECT)) {
      connectFailed(first.payload());
    }
    // A JSON null id asks for a new session.
    Object requested = options.session().isPresent() ? options.session().get() : JSONObject.NULL;
    socket.emit("join_session", new JSONObject().put("sessionId", requested));
    JSONObject session = awaitEvent("session_created", CONNECT_TIMEOUT);
    // An unknown id gets a fresh session under a new id: from here on, use the server's.
    String sessionId = session.getString("sessionId");
    out.printf(
        "session %s (user %s, mode %s, tier %s)%n",
        sessionId, session.opt("userId"), session.opt("mode"), session.opt("safetyTier"));
    while (messages.hasNext()) {
      socket.emit(
          "message", new JSONObject().put("sessionId", sessionId).put("message", messages.next()));
      awaitEvent("message_complete", REPLY_SILENCE_TIMEOUT);
      out.println();
      midLine = false;
    }
    return OK;
  }

  /**
   * Prints events as they come until one named {@code wanted}; {@return its payload}
   *
   * @param silence how long to wait for the next event, of any kind, before giving up
   */
  private JSONObject awaitEvent(String wanted, Duration silence) throws Stop {
    while (true) {
      Event event = poll(silence);
      if (event == null) {
        printError("", "the server sent nothing for " + silence.toSeconds() + " s");
        throw new Stop(NO_CONNECTION);
      }
      if (event.name().equals(wanted)) {
        return event.json();
      }
      JSONObject body = event.json();
      switch (event.name()) {
        case "message_chunk" -> {
          out.print(body.optString("chunk"));
          out.flush();
          midLine = true;
        }
        case "safety_alert" -> {
          endLine();
          out.println("[safety alert] tier " + body.opt("tier"));
          JSONArray resources = body.optJSONArray("resources");
          for (int i = 0; resources != null && i < resources.length(); i++) {
            JSONObject r = resources.getJSONObject(i);
            out.println("  - " + r.optString("name") + ": " + r.optString("contact"));
          }
        }
        case "error" -> {
          printError(body.optString("code"), body.optString("message"));
          throw new Stop(SERVER_ERROR);
        }
        case Socket.EVENT_DISCONNECT -> {
          printError("", "disconnected: " + event.payload());
          throw new Stop(NO_CONNECTION);
        }
        case Socket.EVENT_CONNECT_ERROR -> connectFailed(event.payload());
        default -> {} // a second connect: nothing to do
      }
    }
  }

  /** Prints why the connection failed or was refused, and stops. */
  private void connectFailed(Object why) throws Stop {
    String code = "";
    if (why instanceof JSONObject refusal) { // the server said no: {message, data: {code}}
      JSONObject data = refusal.optJSONObject("data");
      code = data == null ? "" : data.optString("code");
      why = refusal.optString("message");
    } else if (why instanceof Throwable t) {
      why = t.getCause() == null ? t.getMessage() : t.getMessage() + " (" + t.getCause() + ")";
    }
    printError(code, "could not connect to " + options.url() + ": " + why);
    throw new Stop(NO_CONNECTION);
  }

  private String fetchToken(String userId) throws Stop {
    URI uri = options.url().resolve("/api/auth/token");
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(CONNECT_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    new JSONObject().put("userId", userId).toString()))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(CONNECT_TIMEOUT)
              .build()
              .send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        printError("", uri + " answered HTTP " + response.statusCode());
        throw new Stop(NO_CONNECTION);
      }
      return new JSONObject(response.body()).getString("token");
    } catch (IOException | org.json.JSONException e) {
      printError("", "could not get a token from " + uri + ": " + e);
      throw new Stop(NO_CONNECTION);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stop(NO_CONNECTION);
    }
  }

  private Event poll(Duration timeout) throws Stop {
    try {
      return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stop(NO_CONNECTION);
    }
  }

  /** Finishes a streamed line, so that what follows starts on a line of its own. */
  private void endLine() {
    if (midLine) {
      out.println();
      midLine = false;
    }
  }

  /**
   * Prints {@code [error CODE] message} (no code: {@code [error] message}) on a line of its own.
   */
  private void printError(String code, String message) {
    endLine();
    err.println("[error" + (code.isEmpty() ? "" : " " + code) + "] " + message);
  }

  /** {@return the non-blank lines of {@code in}, stripped, read as they are asked for} */
  private static Iterator<String> lines(InputStream in) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    // A stream's iterator is lazy: at a terminal, each line is read only when the last is answered.
    return reader.lines().filter(line -> !line.isBlank()).map(String::strip).iterator();
  }
}
