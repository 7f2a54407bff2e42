package dev.mia.core.model.openai;

import dev.mia.core.model.ChatModel;
import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.model.ReplyStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ChatModel} speaking the OpenAI chat-completions streaming protocol (server-sent events)
 * over the JDK's non-blocking HTTP client: no thread waits on a stream, connections are kept alive
 * and reused, and each event is read with a streaming JSON parser. It sends the same request as
 * {@link OpenAiChatModel} — model {@code gpt-4o}, temperature 0.7, system prompt, history, new
 * message — at a fraction of the CPU and threads (events are split and parsed as bytes, never
 * decoded into lines of text first), so a server uses it for many concurrent conversations; {@link
 * OpenAiChatModel} carries the official SDK's full feature set. A request that fails before its
 * first byte (connection error, HTTP 408, 409, 429, 5xx) is retried with back-off. Close it at
 * shutdown.
 */
public final class StreamingHttpChatModel implements ChatModel {

  private final HttpClient client;
  private final ExecutorService threads;
  private final URI endpoint;
  private final String authorization;
  private final String model;
  private final double temperature;
  private final int maxRetries;
  private final Duration requestTimeout;

  private StreamingHttpChatModel(Builder b) {
    this.threads =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
            OpenAiChatModel.daemonThreads("mia-model-http-"));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(b.connectTimeout)
            .executor(threads)
            .build();
    String base =
        b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
    this.endpoint = URI.create(base + "/chat/completions");
    this.authorization = "Bearer " + b.apiKey;
    this.model = b.model;
    this.temperature = b.temperature;
    this.maxRetries = b.maxRetries;
    this.requestTimeout = b.requestTimeout;
  }

  /** {@return a builder; only the API key is required} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ReplyStream stream(ModelRequest request, ModelListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    Exchange exchange = new Exchange(new OnceListener(listener), body(request));
    exchange.attempt(0);
    return exchange::cancel;
  }

  byte[] body(ModelRequest request) {
    return ChatCompletionRequests.json(request, model, temperature);
  }

  /**
   * Stops the HTTP client's threads, which closes its connections; streams still open are cut off.
   * Idempotent.
   */
  @Override
  public void close() {
    threads.shutdownNow();
  }

  @Override
  public String toString() {
    return "StreamingHttpChatModel[endpoint=" + endpoint + ", model=" + model + "]";
  }

  /** One reply: its request, retries, and the event stream. */
  private final class Exchange
      implements Flow.Subscriber<List<ByteBuffer>>, ChatCompletionEvents.Handler {
    private final OnceListener listener;
    private final byte[] body;
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    // Touched only by onNext, which the HTTP client calls one at a time.
    private final ChatCompletionEvents events = new ChatCompletionEvents(this);
    private volatile CompletableFuture<HttpResponse<Void>> pending;
    private volatile boolean delivered;

    Exchange(OnceListener listener, byte[] body) {
      this.listener = listener;
      this.body = body;
    }

    void attempt(int attempt) {
      if (listener.isFinished()) {
        return;
      }
      HttpRequest request =
          HttpRequest.newBuilder(endpoint)
              .timeout(requestTimeout)
              .header("Authorization", authorization)
              .header("Content-Type", "application/json")
              .header("Accept", "text/event-stream")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      CompletableFuture<HttpResponse<Void>> future =
          client.sendAsync(
              request,
              info ->
                  info.statusCode() == 200
                      ? HttpResponse.BodySubscribers.fromSubscriber(this)
                      : HttpResponse.BodySubscribers.replacing(null));
      pending = future;
      future.whenComplete((response, error) -> finished(attempt, response, error));
    }

    private void finished(int attempt, HttpResponse<Void> response, Throwable error) {
      if (listener.isFinished()) {
        return;
      }
      if (error == null && response.statusCode() == 200) {
        // The line subscriber has already reported completion or failure.
        return;
      }
      boolean retryable =
          !delivered
              && (error != null
                  ? isConnectionError(error)
                  : isRetryableStatus(response.statusCode()));
      if (retryable && attempt < maxRetries) {
        long backoffMillis = 250L << attempt;
        CompletableFuture.delayedExecutor(backoffMillis, TimeUnit.MILLISECONDS, threads)
            .execute(() -> attempt(attempt + 1));
        return;
      }
      listener.onFailure(
          error == null
              ? new ModelFailure(
                  ModelFailure.Kind.UNAVAILABLE,
                  "model endpoint answered HTTP " + response.statusCode())
              : classify(error));
    }

    private ModelFailure classify(Throwable error) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      if (cause instanceof HttpTimeoutException
          && !(cause instanceof HttpConnectTimeoutException)) {
        return new ModelFailure(ModelFailure.Kind.TIMEOUT, "model endpoint timed out");
      }
      if (delivered) {
        return new ModelFailure(ModelFailure.Kind.BROKEN_STREAM, "model stream broke off");
      }
      return new ModelFailure(
          ModelFailure.Kind.UNAVAILABLE,
          "model endpoint unreachable: " + cause.getClass().getSimpleName());
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      if (!subscription.compareAndSet(null, s) || listener.isFinished()) {
        s.cancel();
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      try {
        for (ByteBuffer buffer : buffers) {
          events.feed(buffer);
        }
      } catch (IOException e) {
        cancelSubscription();
        listener.onFailure(
            new ModelFailure(ModelFailure.Kind.BROKEN_STREAM, "unreadable event from the model"));
      }
    }

    @Override
    public void onText(String text) {
      delivered = true;
      listener.onDelta(text);
    }

    @Override
    public void onDone() {
      // The body ends right after [DONE]; reading it to its end keeps the connection reusable.
      listener.onComplete();
    }

    @Override
    public void onError(Throwable error) {
      listener.onFailure(classify(error));
    }

    @Override
    public void onComplete() {
      // Some compatible servers end the body without [DONE]; what arrived is the reply.
      listener.onComplete();
    }

    void cancel() {
      if (listener.cancel()) {
        cancelSubscription();
        CompletableFuture<HttpResponse<Void>> future = pending;
        if (future != null) {
          future.cancel(true);
        }
      }
    }

    private void cancelSubscription() {
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
    }
  }

  private static boolean isConnectionError(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return cause instanceof ConnectException
        || cause instanceof HttpConnectTimeoutException
        || (cause instanceof IOException && !(cause instanceof HttpTimeoutException));
  }

  private static boolean isRetryableStatus(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** Settings of a {@link StreamingHttpChatModel}; every one but the API key has a default. */
  public static final class Builder {
    private String apiKey;
    private String baseUrl = "https://api.openai.com/v1";
    private String model = OpenAiChatModel.DEFAULT_MODEL;
    private double temperature = OpenAiChatModel.DEFAULT_TEMPERATURE;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofMinutes(5);
    private int maxRetries = 2;

    private Builder() {}

    /** The API key sent as the bearer token. Required. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Settings.nonBlank(apiKey, "apiKey");
      return this;
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:4010/v1}; default OpenAI's. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl == null");
      URI.create(baseUrl);
      return this;
    }

    /** The model name; default {@code gpt-4o}. */
    public Builder model(String model) {
      this.model = Settings.nonBlank(model, "model");
      return this;
    }

    /** The sampling temperature, 0 to 2; default 0.7. */
    public Builder temperature(double temperature) {
      this.temperature = Settings.temperature(temperature);
      return this;
    }

    /** How long to wait for a connection; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Settings.positive(timeout, "connectTimeout");
      return this;
    }

    /** The longest a whole reply may take; default 5 minutes. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Settings.positive(timeout, "requestTimeout");
      return this;
    }

    /** Retries of a request that failed before its first byte; default 2. */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = Settings.retries(maxRetries);
      return this;
    }

    /**
     * {@return the model}
     *
     * @throws IllegalStateException if no API key was set
     */
    public StreamingHttpChatModel build() {
      if (apiKey == null) {
        throw new IllegalStateException("apiKey is required");
      }
      return new StreamingHttpChatModel(this);
    }
  }
}
