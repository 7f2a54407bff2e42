package dev.mia.server.socketio;

import dev.mia.core.conversation.ConversationError;
import dev.mia.core.conversation.ReplyListener;
import dev.mia.core.conversation.SafetyAlert;
import dev.mia.core.conversation.TurnAssessment;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.Optional;

/**
 * Relays one reply to the session's room. A piece that arrives while the previous chunk is still
 * being written to the sockets, or in the same read from the model as a piece just written, is
 * merged with the next ones into one {@code message_chunk}: when the sockets keep up every piece
 * goes out at once, and a burst or a loaded server sends a reply as fewer, larger events instead of
 * falling further behind. Chunks still concatenate to the full message, and {@code
 * message_complete} or {@code error} always comes after the last chunk. Connections that asked for
 * them also get {@code typing} {@code start} when the message is assessed and {@code stop} after
 * the reply's last event.
 */
final class ReplyRelay implements ReplyListener {
  private final SessionRoom room;
  private final Object lock = new Object();

  // Written before the first chunk; read when the reply ends.
  private volatile TurnAssessment assessment;

  // Guarded by lock.
  private StringBuilder pending;
  private Object ending;
  private boolean writing;

  // Set when typing started, before any chunk; read when the reply ends.
  private volatile boolean typing;

  ReplyRelay(SessionRoom room) {
    this.room = room;
  }

  @Override
  public void onAssessed(TurnAssessment assessment) {
    this.assessment = assessment;
    typing = true;
    // Only connections that asked for typing events get it (see SessionRoom).
    room.send(SessionRoom.TYPING, new WirePayloads.Typing(room.sessionId(), "start"));
  }

  @Override
  public void onSafetyAlert(SafetyAlert alert) {
    // Comes before any chunk (ReplyListener contract), so nothing is being written yet.
    room.send("safety_alert", WirePayloads.safetyAlert(room.sessionId(), alert));
  }

  @Override
  public void onChunk(String chunk) {
    synchronized (lock) {
      if (pending == null) {
        pending = new StringBuilder(chunk);
      } else {
        pending.append(chunk);
      }
      if (writing) {
        return;
      }
      writing = true;
    }
    writeNextAfterThisRead();
  }

  @Override
  public void onComplete(String fullReply) {
    TurnAssessment told = assessment;
    end(
        new WirePayloads.Complete(
            room.sessionId(),
            fullReply,
            told == null ? null : told.intent(),
            told == null ? null : told.riskLevel(),
            told == null || told.exercises().isEmpty()
                ? null
                : told.exercises().stream().map(WirePayloads.ExerciseOffer::of).toList()));
  }

  @Override
  public void onError(ConversationError error) {
    end(WirePayloads.error(error, Optional.of(room.sessionId())));
  }

  private void end(Object payload) {
    synchronized (lock) {
      ending = payload;
      if (writing) {
        return;
      }
      writing = true;
    }
    writeNextAfterThisRead();
  }

  /**
   * Writing each piece as it is parsed would send every piece of one read from the model as its own
   * event (a write to a socket that keeps up completes during the call); writing only after the I/O
   * thread has finished its current read merges them, and the reply's end with them, into as few
   * events as possible, without waiting for anything else.
   */
  private void writeNextAfterThisRead() {
    EventExecutor current = ThreadExecutorMap.currentExecutor();
    if (current != null && !current.isShuttingDown()) {
      current.execute(this::writeNext);
    } else {
      writeNext();
    }
  }

  /** Writes what has accumulated; runs again when the sockets have taken it. */
  private void writeNext() {
    String text;
    Object last;
    synchronized (lock) {
      text = pending == null ? null : pending.toString();
      pending = null;
      last = ending;
      ending = null;
      if (text == null && last == null) {
        writing = false;
        return;
      }
    }
    if (text != null) {
      WirePayloads.Chunk chunk = new WirePayloads.Chunk(room.sessionId(), text);
      if (last == null) {
        room.send("message_chunk", chunk, this::writeNextAfterThisRead);
        return;
      }
      room.send("message_chunk", chunk);
    }
    // The reply's last event: nothing follows it but typing's end, so nobody waits for its write.
    room.send(last instanceof WirePayloads.Complete ? "message_complete" : "error", last);
    if (typing) {
      room.send(SessionRoom.TYPING, new WirePayloads.Typing(room.sessionId(), "stop"));
    }
  }
}
