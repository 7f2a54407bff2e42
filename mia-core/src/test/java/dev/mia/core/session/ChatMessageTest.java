package dev.mia.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChatMessageTest {

  @Test
  void userFactoryMakesAUserMessage() {
    ChatMessage message = ChatMessage.user("Hello", 42);

    assertEquals(Role.USER, message.role());
    assertEquals("Hello", message.content());
    assertEquals(42, message.timestamp());
  }

  @Test
  void assistantFactoryMakesAnAssistantMessage() {
    ChatMessage message = ChatMessage.assistant("Hi, I'm Mia", 43);

    assertEquals(Role.ASSISTANT, message.role());
    assertEquals("Hi, I'm Mia", message.content());
  }

  @Test
  void rolesHaveTheirLowerCaseWireNames() {
    assertEquals("user", Role.USER.wireName());
    assertEquals("assistant", Role.ASSISTANT.wireName());
  }

  @Test
  void messagesWithTheSameFieldsAreEqual() {
    assertEquals(ChatMessage.user("Hello", 1), ChatMessage.user("Hello", 1));
  }

  @Test
  void toStringShowsSizeButNeverTheText() {
    String text = ChatMessage.user("my darkest secret", 42).toString();

    assertFalse(text.contains("darkest"), text);
    assertTrue(text.contains("chars=17"), text);
    assertTrue(text.contains("USER"), text);
  }

  @Test
  void contentIsRequired() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> ChatMessage.user(null, 1));

    assertEquals("content == null", e.getMessage());
  }

  @Test
  void roleIsRequired() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> new ChatMessage(null, "Hello", 1));

    assertEquals("role == null", e.getMessage());
  }
}
