package dev.mia.server;

import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.ReplyListener;
import dev.mia.core.conversation.SafetyAlert;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Relays one reply to the session's room, merging the pieces that arrive while the previous one is
 * still being handed to the sockets into one {@code message_chunk}. A reply that streams slower
 * than it is sent goes out piece by piece with no added delay; a burst goes out as a few events
 * instead of one per token. Chunks still concatenate to the full message, and {@code
 * message_complete} or {@code error} always comes after the last chunk.
 */
final class ReplyRelay implements ReplyListener {
  private final String sessionId;
  private final BiConsumer<String, Object> room;
  private final Executor sender;
  private final Object lock = new Object();

  // Guarded by lock.
  private StringBuilder pending;
  private Object ending;
  private boolean draining;

  /**
   * @param room sends one event to every connection joined to the session
   * @param sender where the sending happens, off the model's thread so pieces can accumulate
   */
  ReplyRelay(String sessionId, BiConsumer<String, Object> room, Executor sender) {
    this.sessionId = sessionId;
    this.room = room;
    this.sender = sender;
  }

  @Override
  public void onSafetyAlert(SafetyAlert alert) {
    // Comes before any chunk (ReplyListener contract), so nothing can be draining yet.
    room.accept("safety_alert", WirePayloads.safetyAlert(sessionId, alert));
  }

  @Override
  public void onChunk(String chunk) {
    boolean start;
    synchronized (lock) {
      if (pending == null) {
        pending = new StringBuilder(chunk);
      } else {
        pending.append(chunk);
      }
      start = !draining;
      draining = true;
    }
    if (start) {
      sender.execute(this::drain);
    }
  }

  @Override
  public void onComplete(String fullReply) {
    end(new WirePayloads.Complete(sessionId, fullReply));
  }

  @Override
  public void onError(ConversationError error) {
    end(WirePayloads.error(error, Optional.of(sessionId)));
  }

  private void end(Object payload) {
    boolean start;
    synchronized (lock) {
      ending = payload;
      start = !draining;
      draining = true;
    }
    if (start) {
      sender.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      String text;
      Object last;
      synchronized (lock) {
        text = pending == null ? null : pending.toString();
        pending = null;
        last = ending;
        ending = null;
        if (text == null && last == null) {
          draining = false;
          return;
        }
      }
      if (text != null) {
        room.accept("message_chunk", new WirePayloads.Chunk(sessionId, text));
      }
      if (last != null) {
        room.accept(last instanceof WirePayloads.Complete ? "message_complete" : "error", last);
      }
    }
  }
}
