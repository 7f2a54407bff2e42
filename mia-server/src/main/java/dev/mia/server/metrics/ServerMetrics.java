package dev.mia.server.metrics;

import dev.mia.core.conversation.ConversationObserver;
import dev.mia.core.conversation.ErrorCode;
import dev.mia.core.safety.SafetyTier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The server's metrics in Prometheus's text format: connections by transport, sessions started,
 * messages in and out, safety alerts by tier, the model's time to first token and to a whole reply,
 * errors by code, and the JVM's memory, collections, threads and CPU. It hears the engine as its
 * {@link #observer()}; transports register their connection counts. Thread-safe; close it at
 * shutdown.
 */
public final class ServerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Counter sessions;
  private final Counter messagesIn;
  private final Counter messagesOut;
  private final Map<SafetyTier, Counter> alerts = new EnumMap<>(SafetyTier.class);
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  private final Timer firstToken;
  private final Timer reply;
  private final ConversationObserver observer = new Observer();

  /** Metrics with every meter registered, at zero. */
  public ServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    sessions =
        Counter.builder("mia.sessions.started").description("Sessions started").register(registry);
    messagesIn =
        Counter.builder("mia.messages")
            .tag("direction", "in")
            .description("User messages accepted (in) and replies completed (out)")
            .register(registry);
    messagesOut =
        Counter.builder("mia.messages")
            .tag("direction", "out")
            .description("User messages accepted (in) and replies completed (out)")
            .register(registry);
    for (SafetyTier tier : SafetyTier.values()) {
      if (tier.raisesAlert()) {
        alerts.put(
            tier,
            Counter.builder("mia.safety.alerts")
                .tag("tier", Integer.toString(tier.level()))
                .description("Safety alerts raised, by tier")
                .register(registry));
      }
    }
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(
          code,
          Counter.builder("mia.errors")
              .tag("code", code.name())
              .description("Requests refused and replies failed, by error code")
              .register(registry));
    }
    firstToken =
        Timer.builder("mia.model.first.token")
            .description("From the model request to the first piece of the reply")
            .publishPercentileHistogram()
            .register(registry);
    reply =
        Timer.builder("mia.model.reply")
            .description("From the model request to the whole reply, stored")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** {@return the engine's observer feeding these metrics} */
  public ConversationObserver observer() {
    return observer;
  }

  /**
   * Counts the open connections of {@code transport} (e.g. {@code websocket}, {@code polling}) by
   * asking {@code open} at each scrape.
   */
  public void connections(String transport, Supplier<Number> open) {
    Gauge.builder("mia.connections", open)
        .tag("transport", transport)
        .description("Open connections, by transport")
        .register(registry);
  }

  /**
   * Reports at each scrape whether the server is ready for work, as {@code /ready} last found it:
   * {@code ready} gives 1, 0, or null before the first check.
   */
  public void readiness(Supplier<Number> ready) {
    Gauge.builder("mia.ready", ready)
        .description("1 when the server is ready for work (GET /ready answers 200), else 0")
        .register(registry);
  }

  /**
   * Counts, at each scrape, the messages the safety model did not judge: {@code reason=busy} (its
   * queue was full, or a message waited past its bound) and {@code reason=failed} (the model
   * failed); such a message has the rules' tier alone.
   */
  public <T> void safetyModelFallbacks(
      T model, ToDoubleFunction<T> busy, ToDoubleFunction<T> failed) {
    // The model is held by the server for its whole life; the meters read it at each scrape.
    unjudged("busy", model, busy);
    unjudged("failed", model, failed);
  }

  /**
   * Counts, at each scrape, the messages the safety model judged ({@code judged}) and the processor
   * time it spent on messages ({@code nanos}, in nanoseconds): with the unjudged counts, how much
   * of the traffic the model covers and what that costs.
   */
  public <T> void safetyModelWork(T model, ToDoubleFunction<T> judged, ToDoubleFunction<T> nanos) {
    FunctionCounter.builder("mia.safety.model.judged", model, judged)
        .description("Messages the safety model judged (its tier combined with the rules')")
        .register(registry);
    FunctionCounter.builder("mia.safety.model.cpu", model, m -> nanos.applyAsDouble(m) / 1e9)
        .baseUnit("seconds")
        .description("Processor time the safety model spent judging messages")
        .register(registry);
  }

  private <T> void unjudged(String reason, T model, ToDoubleFunction<T> count) {
    FunctionCounter.builder("mia.safety.model.unjudged", model, count)
        .tag("reason", reason)
        .description("Messages the safety model did not judge (the rules' tier stood), by reason")
        .register(registry);
  }

  /** Counts a connection refused with {@code code} (auth required, too many connections). */
  public void connectionRefused(ErrorCode code) {
    errors.get(code).increment();
  }

  /** {@return every metric in Prometheus's text exposition format} */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  private final class Observer implements ConversationObserver {
    @Override
    public void sessionStarted() {
      sessions.increment();
    }

    @Override
    public void messageAccepted() {
      messagesIn.increment();
    }

    @Override
    public void refused(ErrorCode code) {
      errors.get(code).increment();
    }

    @Override
    public void safetyAlert(SafetyTier tier) {
      Counter counter = alerts.get(tier);
      if (counter != null) {
        counter.increment();
      }
    }

    @Override
    public void firstToken(Duration wait) {
      firstToken.record(wait);
    }

    @Override
    public void replyCompleted(Duration took) {
      messagesOut.increment();
      reply.record(took);
    }

    @Override
    public void replyFailed(ErrorCode code) {
      errors.get(code).increment();
    }
  }
}
