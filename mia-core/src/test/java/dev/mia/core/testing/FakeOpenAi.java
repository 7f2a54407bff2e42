package dev.mia.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for the OpenAI API, on the JDK's HTTP server, for tests: {@code POST
 * /v1/chat/completions} streams a fixed reply as server-sent events, {@code POST /v1/moderations}
 * answers from {@link #flagSelfHarm}. Every request body is recorded. The last user message can ask
 * for a failure: {@code [fail]} HTTP 500, {@code [drop]} three chunks and then the connection is
 * cut, {@code [hang]} headers and then silence, {@code [slow]} 200 ms between tokens.
 */
public final class FakeOpenAi implements AutoCloseable {
  /** The reply streamed unless {@link #replyTokens} changes it. */
  public static final List<String> DEFAULT_TOKENS =
      List.of("I ", "hear ", "you. ", "Tell ", "me ", "more ", "about ", "it.");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<JsonNode> chatRequests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> moderationRequests = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile List<String> tokens = DEFAULT_TOKENS;
  private volatile Duration tokenDelay = Duration.ZERO;
  private volatile boolean flagSelfHarm;

  private FakeOpenAi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", this::chat);
    server.createContext("/v1/moderations", this::moderation);
    server.setExecutor(threads);
    server.start();
  }

  /** {@return a started fake on a free loopback port} */
  public static FakeOpenAi start() {
    try {
      return new FakeOpenAi();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return the base URL to give the client, ending in {@code /v1}} */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** {@return the full reply text the fake streams} */
  public String replyText() {
    return String.join("", tokens);
  }

  /** Streams these tokens from now on. */
  public FakeOpenAi replyTokens(List<String> tokens) {
    this.tokens = List.copyOf(tokens);
    return this;
  }

  /** Waits this long before each token from now on. */
  public FakeOpenAi tokenDelay(Duration delay) {
    this.tokenDelay = delay;
    return this;
  }

  /** Makes the moderation endpoint flag every input for self-harm intent, or stop doing so. */
  public FakeOpenAi flagSelfHarm(boolean flag) {
    this.flagSelfHarm = flag;
    return this;
  }

  /** {@return the chat completion request bodies received, oldest first} */
  public List<JsonNode> chatRequests() {
    return List.copyOf(chatRequests);
  }

  /** {@return the moderation request bodies received, oldest first} */
  public List<JsonNode> moderationRequests() {
    return List.copyOf(moderationRequests);
  }

  private void chat(HttpExchange exchange) throws IOException {
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    chatRequests.add(body);
    String last = lastUserMessage(body);
    if (last.contains("[fail]")) {
      respond(
          exchange,
          500,
          "{\"error\":{\"message\":\"injected failure\",\"type\":\"server_error\"}}");
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    if (last.contains("[hang]")) {
      out.flush();
      awaitQuietly(closing, Duration.ofMinutes(2));
      exchange.close();
      return;
    }
    Duration delay = last.contains("[slow]") ? Duration.ofMillis(200) : tokenDelay;
    List<String> reply = tokens;
    for (int i = 0; i < reply.size(); i++) {
      if (last.contains("[drop]") && i == 3) {
        // Cut the connection mid-body: no terminating chunk, no [DONE].
        throw new IOException("injected drop");
      }
      pause(delay);
      out.write(event(chunk(reply.get(i))));
      out.flush();
    }
    out.write(event("[DONE]"));
    out.close();
  }

  private void moderation(HttpExchange exchange) throws IOException {
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    moderationRequests.add(body);
    String input = body.path("input").asText("");
    if (input.contains("[fail]")) {
      respond(exchange, 500, "{\"error\":{\"message\":\"injected failure\"}}");
      return;
    }
    boolean flagged = flagSelfHarm;
    ObjectNode categories = JSON.createObjectNode();
    ObjectNode scores = JSON.createObjectNode();
    for (String name :
        List.of(
            "harassment",
            "harassment/threatening",
            "hate",
            "hate/threatening",
            "illicit",
            "illicit/violent",
            "self-harm",
            "self-harm/intent",
            "self-harm/instructions",
            "sexual",
            "sexual/minors",
            "violence",
            "violence/graphic")) {
      boolean on = flagged && name.startsWith("self-harm") && !name.endsWith("instructions");
      categories.put(name, on);
      scores.put(name, on ? 0.97 : 0.001);
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("flagged", flagged);
    result.set("categories", categories);
    result.set("category_scores", scores);
    ObjectNode response = JSON.createObjectNode();
    response.put("id", "modr-fake");
    response.put("model", body.path("model").asText("omni-moderation-latest"));
    response.set("results", JSON.createArrayNode().add(result));
    respond(exchange, 200, JSON.writeValueAsString(response));
  }

  private static String lastUserMessage(JsonNode body) {
    List<JsonNode> messages = new ArrayList<>();
    body.path("messages").forEach(messages::add);
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(messages.get(i).path("role").asText())) {
        return messages.get(i).path("content").asText("");
      }
    }
    return "";
  }

  private static String chunk(String token) throws IOException {
    ObjectNode delta = JSON.createObjectNode().put("content", token);
    ObjectNode choice = JSON.createObjectNode().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("finish_reason");
    ObjectNode chunk =
        JSON.createObjectNode()
            .put("id", "chatcmpl-fake")
            .put("object", "chat.completion.chunk")
            .put("created", 1_700_000_000L)
            .put("model", "gpt-4o");
    chunk.set("choices", JSON.createArrayNode().add(choice));
    return JSON.writeValueAsString(chunk);
  }

  private static byte[] event(String data) {
    return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void pause(Duration delay) {
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch, Duration limit) {
    try {
      latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
