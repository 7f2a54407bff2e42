package dev.mia.core.model;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ChatModel} that needs no API key and no network: it streams a short, kind reply chosen
 * by mode and safety tier, word by word, and says plainly that it is the offline responder. Used
 * when no model endpoint is configured, so a fresh server is usable at once. One shared timer
 * thread paces every stream; close it at shutdown.
 */
public final class OfflineChatModel implements ChatModel {
  private static final String PREFIX = "(Offline responder: no AI model is configured.) ";

  private final ScheduledExecutorService timer;
  private final long wordDelayNanos;

  /** An offline model that sends one word every 40 ms. */
  public OfflineChatModel() {
    this(Duration.ofMillis(40));
  }

  /** An offline model that sends one word every {@code wordDelay} (zero: as fast as possible). */
  public OfflineChatModel(Duration wordDelay) {
    Objects.requireNonNull(wordDelay, "wordDelay == null");
    if (wordDelay.isNegative()) {
      throw new IllegalArgumentException("wordDelay must not be negative, was " + wordDelay);
    }
    this.wordDelayNanos = wordDelay.toNanos();
    AtomicInteger threads = new AtomicInteger();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread =
                  new Thread(runnable, "mia-offline-model-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** {@return the full reply this model gives for a mode and tier} */
  static String replyFor(Mode mode, SafetyTier tier) {
    return PREFIX + body(mode, tier);
  }

  private static String body(Mode mode, SafetyTier tier) {
    if (tier == SafetyTier.CRITICAL) {
      return "I'm really glad you told me. You don't have to carry this alone. "
          + "Please reach out right now: call or text 988, or text HOME to 741741. "
          + "If you are in immediate danger, call your local emergency number.";
    }
    if (tier == SafetyTier.MODERATE) {
      return "Thank you for trusting me with that. It sounds like a lot to deal with. "
          + "Talking to someone you trust, or a counselor at 988, can really help.";
    }
    return switch (mode) {
      case MIRROR_LEARNING -> "Thanks for telling me! How are you feeling right now?";
      case EDUCATIONAL -> "Thanks for sharing. I'm listening. What's on your mind today?";
      case URGENCY -> "I'm here with you. Tell me what is happening right now.";
      case FUNDRAISING -> "Thank you for wanting to help build this. Tell me more about your idea.";
      case GREETING -> "Hi, I'm Mia. I'm here to listen. How are you doing today?";
    };
  }

  @Override
  public ReplyStream stream(ModelRequest request, ModelListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    List<String> words = words(replyFor(request.mode(), request.safetyTier()));
    // Set by the completion or by cancel, whichever comes first: after it, the listener hears
    // nothing more. The words are never empty and the one timer thread sends them in order, so
    // this flag is all the listener contract asks of this model.
    AtomicBoolean finished = new AtomicBoolean();
    AtomicReference<ScheduledFuture<?>> next = new AtomicReference<>();
    Runnable step =
        new Runnable() {
          private int index;

          @Override
          public void run() {
            if (finished.get()) {
              return;
            }
            if (index < words.size()) {
              listener.onDelta(words.get(index++));
              next.set(timer.schedule(this, wordDelayNanos, TimeUnit.NANOSECONDS));
            } else if (finished.compareAndSet(false, true)) {
              listener.onComplete();
            }
          }
        };
    next.set(timer.schedule(step, 0, TimeUnit.NANOSECONDS));
    return () -> {
      if (finished.compareAndSet(false, true)) {
        ScheduledFuture<?> pending = next.get();
        if (pending != null) {
          pending.cancel(false);
        }
      }
    };
  }

  /** Splits into words that keep their trailing space, so the pieces join to the whole. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == ' ') {
        words.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      words.add(text.substring(start));
    }
    return words;
  }

  /** Stops the timer thread; streams still running end without another word. Idempotent. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
