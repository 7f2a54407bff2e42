package dev.mia.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SessionTest {
  private static final long CREATED = 1_729_345_678_901L;
  private static final String PRIVATE_TEXT = "I have never told anyone this secret";

  private final Session fresh = Session.start("session_abc", "anon_123", CREATED);

  @Test
  void newSessionStartsInGreetingMode() {
    assertEquals(Mode.GREETING, fresh.mode());
  }

  @Test
  void newSessionStartsAtSafetyTierOne() {
    assertEquals(SafetyTier.NORMAL, fresh.safetyTier());
    assertEquals(1, fresh.safetyTier().level());
  }

  @Test
  void newSessionKnowsNoAge() {
    assertEquals(OptionalInt.empty(), fresh.age());
  }

  @Test
  void newSessionIsActive() {
    assertEquals(SessionStatus.ACTIVE, fresh.status());
  }

  @Test
  void newSessionHasEmptyHistory() {
    assertEquals(List.of(), fresh.conversationHistory());
  }

  @Test
  void newSessionWasCreatedAndUpdatedAtTheSameTime() {
    assertEquals(CREATED, fresh.createdAt());
    assertEquals(CREATED, fresh.updatedAt());
  }

  @Test
  void newSessionKeepsItsIdAndOwner() {
    assertEquals("session_abc", fresh.sessionId());
    assertEquals("anon_123", fresh.userId());
  }

  @Test
  void sessionIsOwnedOnlyByItsUser() {
    assertTrue(fresh.isOwnedBy("anon_123"));
    assertFalse(fresh.isOwnedBy("anon_456"));
  }

  @Test
  void withMessageReturnsANewSessionAndLeavesTheOldOneUnchanged() {
    ChatMessage hello = ChatMessage.user("Hello", CREATED + 5);

    Session after = fresh.withMessage(hello);

    assertNotSame(fresh, after);
    assertEquals(List.of(), fresh.conversationHistory());
    assertEquals(List.of(hello), after.conversationHistory());
  }

  @Test
  void withMessageAppendsAtTheEndAndMovesUpdatedAt() {
    ChatMessage first = ChatMessage.user("Hello", CREATED + 5);
    ChatMessage second = ChatMessage.assistant("Hi there", CREATED + 9);

    Session after = fresh.withMessage(first).withMessage(second);

    assertEquals(List.of(first, second), after.conversationHistory());
    assertEquals(CREATED + 9, after.updatedAt());
    assertEquals(CREATED, after.createdAt());
  }

  @Test
  void historyCannotBeChangedThroughTheAccessor() {
    Session session = fresh.withMessage(ChatMessage.user("Hello", CREATED));

    assertThrows(
        UnsupportedOperationException.class,
        () -> session.conversationHistory().add(ChatMessage.user("sneaky", CREATED)));
  }

  @Test
  void historyIsCopiedSoTheCallersListCannotChangeIt() {
    List<ChatMessage> history = new ArrayList<>(List.of(ChatMessage.user("Hello", CREATED)));
    Session session =
        new Session(
            "session_abc",
            "anon_123",
            history,
            OptionalInt.empty(),
            Mode.GREETING,
            SafetyTier.NORMAL,
            SessionStatus.ACTIVE,
            CREATED,
            CREATED);

    history.add(ChatMessage.user("added later", CREATED));

    assertEquals(1, session.conversationHistory().size());
  }

  @Test
  void withProfileReturnsANewSessionWithTheDetectedState() {
    Session after =
        fresh.withProfile(OptionalInt.of(10), Mode.MIRROR_LEARNING, SafetyTier.CRITICAL, 7);

    assertEquals(OptionalInt.of(10), after.age());
    assertEquals(Mode.MIRROR_LEARNING, after.mode());
    assertEquals(SafetyTier.CRITICAL, after.safetyTier());
    assertEquals(7, after.updatedAt());
    assertEquals(Mode.GREETING, fresh.mode());
    assertEquals(OptionalInt.empty(), fresh.age());
  }

  @Test
  void withStatusReturnsANewSessionWithTheStatus() {
    Session closed = fresh.withStatus(SessionStatus.CLOSED, CREATED + 1);

    assertEquals(SessionStatus.CLOSED, closed.status());
    assertEquals(SessionStatus.ACTIVE, fresh.status());
  }

  @Test
  void toStringNeverContainsMessageText() {
    Session session =
        fresh
            .withMessage(ChatMessage.user(PRIVATE_TEXT, CREATED))
            .withMessage(ChatMessage.assistant("A reply with private words", CREATED));

    String text = session.toString();

    assertFalse(text.contains(PRIVATE_TEXT), text);
    assertFalse(text.contains("private words"), text);
    assertTrue(text.contains("session_abc"), text);
    assertTrue(text.contains("messages=2"), text);
  }

  @Test
  void missingFieldsAreRefusedByName() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> Session.start("session_abc", null, 0));

    assertEquals("userId == null", e.getMessage());
  }
}
