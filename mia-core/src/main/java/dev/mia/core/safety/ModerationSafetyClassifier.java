package dev.mia.core.safety;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.moderations.Moderation;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second opinion from the OpenAI moderation endpoint, composed with a primary classifier: the
 * result is the higher tier of the two. A message the endpoint flags for self-harm is tier 3; any
 * other flag is at least tier 2. If the call fails or times out, the primary's assessment stands,
 * so the second opinion can raise a tier but never lower one. A message the primary already puts at
 * tier 3 is not sent at all.
 *
 * <p>Off by default: enabling it sends every message that is not already tier 3 to the endpoint,
 * which is an opt-in the operator makes (the message also goes to the chat model anyway). {@link
 * #assess} blocks for at most the configured timeout (default 2 seconds, no retries). That is
 * acceptable because the engine calls the classifier on its own worker thread for the session,
 * never on a network event loop; the timeout bounds how long the reply can be delayed.
 *
 * <p>Thread-safe. It holds an HTTP client and its connection pool: share one instance and {@link
 * #close()} it at shutdown. Failures are logged at WARN with the HTTP status or exception type,
 * never the message text.
 */
public final class ModerationSafetyClassifier implements SafetyClassifier, AutoCloseable {
  /** The model used unless {@link Builder#model} says otherwise. */
  public static final String DEFAULT_MODEL = "omni-moderation-latest";

  /** How long a call may take unless {@link Builder#timeout} says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(ModerationSafetyClassifier.class);

  private final SafetyClassifier primary;
  private final OpenAIClient client;
  private final String model;
  private final Duration timeout;

  private ModerationSafetyClassifier(Builder builder) {
    this.primary = builder.primary;
    this.model = builder.model;
    this.timeout = builder.timeout;
    OpenAIOkHttpClient.Builder client =
        OpenAIOkHttpClient.builder()
            .apiKey(builder.apiKey)
            // A retry would double the delay before the reply; the primary's result stands instead.
            .maxRetries(0)
            .timeout(
                Timeout.builder()
                    .connect(timeout)
                    .read(timeout)
                    .write(timeout)
                    .request(timeout)
                    .build());
    builder.baseUrl.ifPresent(client::baseUrl);
    this.client = client.build();
  }

  /** {@return a builder; only the API key is required} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SafetyAssessment assess(String message) {
    SafetyAssessment first = primary.assess(message);
    if (first.tier() == SafetyTier.CRITICAL || message.isBlank()) {
      return first;
    }
    return moderate(message).map(first::max).orElse(first);
  }

  private Optional<SafetyAssessment> moderate(String message) {
    try {
      ModerationCreateResponse response =
          client
              .moderations()
              .create(ModerationCreateParams.builder().model(model).input(message).build());
      if (response.results().isEmpty()) {
        log.warn("moderation check returned no result; keeping the pattern tier");
        return Optional.empty();
      }
      return Optional.of(toAssessment(response.results().get(0)));
    } catch (OpenAIServiceException e) {
      log.warn("moderation check failed with HTTP {}; keeping the pattern tier", e.statusCode());
    } catch (RuntimeException e) {
      // Timeouts and I/O errors arrive as runtime exceptions; a bad response body too.
      log.warn("moderation check failed ({}); keeping the pattern tier", e.getClass().getName());
    }
    return Optional.empty();
  }

  static SafetyAssessment toAssessment(Moderation result) {
    Moderation.Categories categories = result.categories();
    if (categories.selfHarm() || categories.selfHarmIntent() || categories.selfHarmInstructions()) {
      return new SafetyAssessment(SafetyTier.CRITICAL, "moderation-self-harm");
    }
    if (result.flagged()) {
      return new SafetyAssessment(SafetyTier.MODERATE, "moderation-flagged");
    }
    return SafetyAssessment.NORMAL;
  }

  /** Closes the HTTP client. */
  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "ModerationSafetyClassifier{model=" + model + ", timeout=" + timeout + "}";
  }

  /** Configures a {@link ModerationSafetyClassifier}. Not thread-safe; build once. */
  public static final class Builder {
    private String apiKey;
    private Optional<String> baseUrl = Optional.empty();
    private Duration timeout = DEFAULT_TIMEOUT;
    private String model = DEFAULT_MODEL;
    private SafetyClassifier primary = SafetyClassifiers.standard();

    private Builder() {}

    /** The OpenAI API key. Required. */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey == null");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey is blank");
      }
      this.apiKey = apiKey;
      return this;
    }

    /** The API base URL, ending in {@code /v1}; default the OpenAI API. */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl == null");
      this.baseUrl = Optional.of(baseUrl);
      return this;
    }

    /** The longest one call may take, from 1 ms to 30 s; default 2 s. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
        throw new IllegalArgumentException("timeout must be from 1 ms to 30 s, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The moderation model; default {@value ModerationSafetyClassifier#DEFAULT_MODEL}. */
    public Builder model(String model) {
      Objects.requireNonNull(model, "model == null");
      this.model = model;
      return this;
    }

    /** The classifier whose result the moderation check can only raise; default standard. */
    public Builder primary(SafetyClassifier primary) {
      this.primary = Objects.requireNonNull(primary, "primary == null");
      return this;
    }

    /**
     * {@return the classifier}
     *
     * @throws IllegalStateException if no API key was set
     */
    public ModerationSafetyClassifier build() {
      if (apiKey == null) {
        throw new IllegalStateException("apiKey is required");
      }
      return new ModerationSafetyClassifier(this);
    }
  }
}
