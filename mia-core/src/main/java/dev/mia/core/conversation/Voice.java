package dev.mia.core.conversation;

import dev.mia.core.session.Session;
import java.util.concurrent.CompletionStage;

/**
 * The engine's side of a voice conversation, whose replies come from a speech model outside the
 * engine (a realtime model a server relays to): it keeps the conversation in the user's session and
 * puts Mia's safety in its loop. The user's words ({@link #heardAsync}, a transcript of what they
 * said or text they typed) are assessed like a chat message (safety tier, age, mode, recorded in
 * the session) and kept in its history; a tier of 2 or 3 comes back with an alert carrying the
 * crisis resources, and every assessment with the instructions the speech model follows from then
 * on. Mia's words ({@link #saidAsync}) are kept as her replies. Only the session's owner may write
 * to it; another user's session is treated as an unknown one. Thread-safe; no method waits, and
 * their stages never fail: they complete on the store's or the classifier's threads, or at once.
 * Words are kept in the order their calls were made when each call waits for the stage of the one
 * before.
 */
public interface Voice {

  /** Where the user's words came from, which decides the checks they pass before they are kept. */
  enum Input {
    /**
     * A transcript of what the user said: the speech model has heard it already, so it is assessed
     * and kept whatever its length; only empty words are refused.
     */
    SPOKEN,
    /**
     * Text the user typed, not yet sent to the speech model: checked like a chat message (empty,
     * too long, unreadable) and refused with nothing kept, so it need not be sent.
     */
    TYPED
  }

  /**
   * {@return the instructions (the system prompt) for a voice conversation in {@code session}, from
   * its mode, the user's age, and the safety guidance of its latest alert, if any}
   */
  String instructions(Session session);

  /**
   * {@return a stage with what the engine made of words the user said or typed in session {@code
   * sessionId}} The words are assessed even when they cannot be kept (the session is gone, the
   * store failed: see {@link HeardResult.Heard#notStored}), because an alert must not wait for a
   * database.
   */
  CompletionStage<HeardResult> heardAsync(
      String userId, String sessionId, String words, Input input);

  /** {@return a stage that completes when Mia's spoken or written {@code words} are kept} */
  CompletionStage<SaidResult> saidAsync(String userId, String sessionId, String words);
}
