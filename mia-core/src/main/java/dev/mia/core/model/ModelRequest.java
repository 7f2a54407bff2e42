package dev.mia.core.model;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * What the model is asked: the system prompt, the earlier conversation and the new user message,
 * sent in that order.
 *
 * @param systemPrompt instructions for the model, first
 * @param history earlier messages, oldest first, already bounded by the engine
 * @param userMessage the message to answer, last
 * @param mode the mode chosen for this message (already stated in the prompt; for models that
 *     answer without one)
 * @param safetyTier the tier of this message (likewise)
 */
public record ModelRequest(
    String systemPrompt,
    List<ChatMessage> history,
    String userMessage,
    Mode mode,
    SafetyTier safetyTier) {
  /** Checks every field is present and copies the history. */
  public ModelRequest {
    Objects.requireNonNull(systemPrompt, "systemPrompt == null");
    history = List.copyOf(history);
    Objects.requireNonNull(userMessage, "userMessage == null");
    Objects.requireNonNull(mode, "mode == null");
    Objects.requireNonNull(safetyTier, "safetyTier == null");
  }

  @Override
  public String toString() {
    return "ModelRequest[systemPromptChars="
        + systemPrompt.length()
        + ", history="
        + history.size()
        + ", userMessageChars="
        + userMessage.length()
        + "]";
  }
}
