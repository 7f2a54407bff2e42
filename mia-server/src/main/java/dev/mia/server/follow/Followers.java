package dev.mia.server.follow;

import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.ReplyListener;
import dev.mia.core.conversation.SafetyAlert;
import dev.mia.core.conversation.TurnAssessment;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The connections following each session, on every transport this server speaks (Socket.IO, the
 * plain WebSockets): a reply to a message sent on one transport reaches the session's connections
 * on all of them, and so does the user's own message. Each transport registers itself once; it
 * knows its own connections and how to write to them. Thread-safe.
 */
public final class Followers {
  private final List<Transport> transports = new CopyOnWriteArrayList<>();

  /** One transport's connections and their wire format. */
  public interface Transport {
    /**
     * {@return a listener writing one reply to this transport's connections following {@code
     * sessionId}} It looks the connections up as the reply goes, so one that joins midway gets the
     * rest.
     */
    ReplyListener replies(String sessionId);

    /**
     * Tells this transport's connections following {@code sessionId}, but not {@code sender}, of a
     * message the user sent; {@code sender} is the connection it came from (of any transport).
     */
    void userMessage(String sessionId, String text, long timestamp, Object sender);
  }

  /** Adds {@code transport}; its connections hear every session from now on. */
  public void register(Transport transport) {
    transports.add(Objects.requireNonNull(transport, "transport == null"));
  }

  /** {@return a listener writing one reply to every connection following {@code sessionId}} */
  public ReplyListener replies(String sessionId) {
    List<ReplyListener> each = transports.stream().map(t -> t.replies(sessionId)).toList();
    return each.size() == 1 ? each.get(0) : new AllOf(each);
  }

  /** Tells every connection following {@code sessionId} but {@code sender} of a user's message. */
  public void userMessage(String sessionId, String text, long timestamp, Object sender) {
    for (Transport transport : transports) {
      transport.userMessage(sessionId, text, timestamp, sender);
    }
  }

  /** Every listener hears every call, in turn; one that throws does not stop the others. */
  private record AllOf(List<ReplyListener> listeners) implements ReplyListener {
    @Override
    public void onAssessed(TurnAssessment assessment) {
      listeners.forEach(l -> safely(() -> l.onAssessed(assessment)));
    }

    @Override
    public void onSafetyAlert(SafetyAlert alert) {
      listeners.forEach(l -> safely(() -> l.onSafetyAlert(alert)));
    }

    @Override
    public void onChunk(String chunk) {
      listeners.forEach(l -> safely(() -> l.onChunk(chunk)));
    }

    @Override
    public void onComplete(String fullReply) {
      listeners.forEach(l -> safely(() -> l.onComplete(fullReply)));
    }

    @Override
    public void onError(ConversationError error) {
      listeners.forEach(l -> safely(() -> l.onError(error)));
    }

    private static void safely(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        // A transport's failure is its own; the others still get the reply.
      }
    }
  }
}
