package dev.mia.core.model.openai;

import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.Timeout;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.mia.core.model.ChatModel;
import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.model.ReplyStream;
import dev.mia.core.session.ChatMessage;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChatModel} on the OpenAI chat completions API (or any compatible endpoint), through the
 * official openai-java client: streaming, model {@code gpt-4o} and temperature 0.7 unless
 * configured. One instance holds one HTTP client and its connection pool; share it and {@link
 * #close()} it at shutdown.
 */
public final class OpenAiChatModel implements ChatModel {
  /** The model the original server used. */
  public static final String DEFAULT_MODEL = "gpt-4o";

  /** The sampling temperature the original server used. */
  public static final double DEFAULT_TEMPERATURE = 0.7;

  private final OpenAIClientAsync client;
  private final ExecutorService streamThreads;
  private final String model;
  private final double temperature;

  private OpenAiChatModel(Builder builder) {
    this.model = builder.model;
    this.temperature = builder.temperature;
    // The client reads each response body with blocking I/O, so each open stream occupies one of
    // these threads; they are daemon threads so a forgotten close() never keeps the JVM alive.
    this.streamThreads = Executors.newCachedThreadPool(daemonThreads("mia-model-stream-"));
    OpenAIOkHttpClientAsync.Builder client =
        OpenAIOkHttpClientAsync.builder()
            .apiKey(builder.apiKey)
            .maxRetries(builder.maxRetries)
            .streamHandlerExecutor(streamThreads)
            .timeout(
                Timeout.builder()
                    .connect(builder.connectTimeout)
                    .read(builder.readTimeout)
                    .write(builder.connectTimeout)
                    .request(builder.requestTimeout)
                    .build());
    builder.baseUrl.ifPresent(client::baseUrl);
    this.client = client.build();
  }

  /** {@return a builder; only the API key is required} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ReplyStream stream(ModelRequest request, ModelListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    OnceListener once = new OnceListener(listener);
    AsyncStreamResponse<ChatCompletionChunk> response;
    try {
      response = client.chat().completions().createStreaming(toParams(request));
    } catch (RuntimeException e) {
      once.onFailure(new ModelFailure(ModelFailure.Kind.UNAVAILABLE, describe(e)));
      return () -> {};
    }
    AtomicInteger deltas = new AtomicInteger();
    response.subscribe(
        new AsyncStreamResponse.Handler<ChatCompletionChunk>() {
          @Override
          public void onNext(ChatCompletionChunk chunk) {
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
              choice
                  .delta()
                  .content()
                  .ifPresent(
                      text -> {
                        if (!text.isEmpty()) {
                          deltas.incrementAndGet();
                          once.onDelta(text);
                        }
                      });
            }
          }

          @Override
          public void onComplete(Optional<Throwable> error) {
            if (error.isEmpty()) {
              once.onComplete();
            } else {
              once.onFailure(classify(error.get(), deltas.get() > 0));
            }
          }
        },
        streamThreads);
    return () -> {
      if (once.cancel()) {
        response.close();
      }
    };
  }

  ChatCompletionCreateParams toParams(ModelRequest request) {
    ChatCompletionCreateParams.Builder params =
        ChatCompletionCreateParams.builder()
            .model(model)
            .temperature(temperature)
            .addSystemMessage(request.systemPrompt());
    for (ChatMessage message : request.history()) {
      switch (message.role()) {
        case USER -> params.addUserMessage(message.content());
        case ASSISTANT -> params.addAssistantMessage(message.content());
      }
    }
    return params.addUserMessage(request.userMessage()).build();
  }

  static ModelFailure classify(Throwable error, boolean started) {
    Throwable cause = error;
    while (cause.getCause() != null
        && !(cause instanceof OpenAIServiceException)
        && !(cause instanceof InterruptedIOException)) {
      cause = cause.getCause();
    }
    if (cause instanceof OpenAIServiceException service) {
      return new ModelFailure(
          ModelFailure.Kind.UNAVAILABLE, "model endpoint answered HTTP " + service.statusCode());
    }
    if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
      return new ModelFailure(ModelFailure.Kind.TIMEOUT, "model endpoint timed out");
    }
    if (started) {
      return new ModelFailure(ModelFailure.Kind.BROKEN_STREAM, "model stream broke off");
    }
    return new ModelFailure(ModelFailure.Kind.UNAVAILABLE, describe(error));
  }

  private static String describe(Throwable error) {
    if (error instanceof OpenAIIoException) {
      return "model endpoint unreachable";
    }
    return "model request failed: " + error.getClass().getSimpleName();
  }

  /**
   * Closes the HTTP client and its connection pool and stops its threads; streams still open are
   * cut off. Idempotent.
   */
  @Override
  public void close() {
    client.close();
    streamThreads.shutdownNow();
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return "OpenAiChatModel[model=" + model + ", temperature=" + temperature + "]";
  }

  /** Settings of an {@link OpenAiChatModel}; every one but the API key has a default. */
  public static final class Builder {
    private String apiKey;
    private Optional<String> baseUrl = Optional.empty();
    private String model = DEFAULT_MODEL;
    private double temperature = DEFAULT_TEMPERATURE;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofMinutes(5);
    private int maxRetries = 2;

    private Builder() {}

    /** The API key sent as the bearer token. Required. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Settings.nonBlank(apiKey, "apiKey");
      return this;
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:4010/v1}; default: OpenAI's. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Optional.of(Objects.requireNonNull(baseUrl, "baseUrl == null"));
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

    /** The longest silence between two pieces of a reply; default 30 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Settings.positive(timeout, "readTimeout");
      return this;
    }

    /** The longest a whole reply may take; default 5 minutes. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Settings.positive(timeout, "requestTimeout");
      return this;
    }

    /** Retries of a failed request before the first byte (connection errors, 408, 429, 5xx). */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = Settings.retries(maxRetries);
      return this;
    }

    /**
     * {@return the model}
     *
     * @throws IllegalStateException if no API key was set
     */
    public OpenAiChatModel build() {
      if (apiKey == null) {
        throw new IllegalStateException("apiKey is required");
      }
      return new OpenAiChatModel(this);
    }
  }
}
