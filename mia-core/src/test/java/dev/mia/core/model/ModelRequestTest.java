package dev.mia.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelRequestTest {

  @Test
  void toStringShowsSizesButNeverTheConversation() {
    ModelRequest request =
        new ModelRequest(
            "secret prompt",
            List.of(ChatMessage.user("secret history", 1)),
            "secret message",
            Mode.GREETING,
            SafetyTier.NORMAL);

    String text = request.toString();

    assertFalse(text.contains("secret"), text);
    assertEquals("ModelRequest[systemPromptChars=13, history=1, userMessageChars=14]", text);
  }

  @Test
  void historyIsCopiedSoTheCallerCannotChangeIt() {
    List<ChatMessage> history = new ArrayList<>(List.of(ChatMessage.user("Hello", 1)));
    ModelRequest request =
        new ModelRequest("prompt", history, "Hi", Mode.GREETING, SafetyTier.NORMAL);

    history.clear();

    assertEquals(1, request.history().size());
  }

  @Test
  void userMessageIsRequired() {
    NullPointerException e =
        assertThrows(
            NullPointerException.class,
            () -> new ModelRequest("prompt", List.of(), null, Mode.GREETING, SafetyTier.NORMAL));

    assertEquals("userMessage == null", e.getMessage());
  }
}
