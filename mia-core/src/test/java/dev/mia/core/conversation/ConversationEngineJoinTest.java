package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.exchange;
import static dev.mia.core.testing.Conversations.newSession;
import static dev.mia.core.testing.Conversations.refusal;
import static dev.mia.core.testing.Conversations.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.Identifiers;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStatus;
import dev.mia.core.testing.Conversations;
import dev.mia.core.testing.MutableClock;
import dev.mia.core.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class ConversationEngineJoinTest {
  private static final String ALICE = "anon_alice";
  private static final String BOB = "anon_bob";

  private final MutableClock clock = MutableClock.atStart();
  private final ScriptedChatModel model = ScriptedChatModel.replying("I'm ", "here.");
  private final ConversationEngine engine =
      ConversationEngine.builder().chatModel(model).clock(clock).build();

  @AfterEach
  void stop() {
    engine.close();
    model.close();
  }

  private JoinResult.Joined join(String userId, String sessionId) {
    return assertInstanceOf(JoinResult.Joined.class, engine.join(userId, Optional.of(sessionId)));
  }

  @Test
  void joinWithoutIdCreatesASession() {
    JoinResult result = engine.join(ALICE, Optional.empty());

    JoinResult.Joined joined = assertInstanceOf(JoinResult.Joined.class, result);
    assertTrue(joined.created());
    assertEquals(ALICE, joined.session().userId());
  }

  @Test
  void newSessionIsInTheInitialState() {
    Session session = newSession(engine, ALICE);

    assertEquals(Mode.GREETING, session.mode());
    assertEquals(SafetyTier.NORMAL, session.safetyTier());
    assertEquals(OptionalInt.empty(), session.age());
    assertEquals(SessionStatus.ACTIVE, session.status());
    assertEquals(List.of(), session.conversationHistory());
  }

  @Test
  void newSessionIdIsServerMadeAndWellFormed() {
    String id = newSession(engine, ALICE).sessionId();

    assertTrue(id.startsWith("session_"), id);
    assertTrue(Identifiers.isWellFormed(id), id);
  }

  @Test
  void newSessionIsStampedWithTheClock() {
    Session session = newSession(engine, ALICE);

    assertEquals(MutableClock.START.toEpochMilli(), session.createdAt());
  }

  @Test
  void newSessionIsStored() {
    Session session = newSession(engine, ALICE);

    assertEquals(session, stored(engine, ALICE, session.sessionId()));
  }

  @Test
  void eachJoinWithoutIdCreatesADifferentSession() {
    assertNotEquals(newSession(engine, ALICE).sessionId(), newSession(engine, ALICE).sessionId());
  }

  @Test
  void joinWithOwnIdReturnsThatSessionWithItsHistory() {
    String id = newSession(engine, ALICE).sessionId();
    exchange(engine, ALICE, id, "Hello, I need someone to talk to");

    JoinResult.Joined joined = join(ALICE, id);

    assertFalse(joined.created());
    assertEquals(id, joined.session().sessionId());
    assertEquals(
        List.of("user: Hello, I need someone to talk to", "assistant: I'm here."),
        joined.session().conversationHistory().stream().map(Conversations::line).toList());
  }

  @Test
  void joinWithUnknownIdCreatesAFreshSessionUnderANewId() {
    String unknown = "session_doesNotExist123";

    JoinResult.Joined joined = join(ALICE, unknown);

    assertTrue(joined.created());
    assertNotEquals(unknown, joined.session().sessionId());
    assertEquals(List.of(), joined.session().conversationHistory());
  }

  @Test
  void joinWithUnknownIdNeverStoresTheRequestedId() {
    String unknown = "session_doesNotExist123";

    join(ALICE, unknown);

    assertEquals(Optional.empty(), engine.session(ALICE, unknown));
  }

  @Test
  void joinWithSomeoneElsesIdCreatesAFreshSessionUnderANewId() {
    String bobs = newSession(engine, BOB).sessionId();

    JoinResult.Joined joined = join(ALICE, bobs);

    assertTrue(joined.created());
    assertNotEquals(bobs, joined.session().sessionId());
    assertEquals(ALICE, joined.session().userId());
    assertEquals(List.of(), joined.session().conversationHistory());
  }

  @Test
  void joinWithSomeoneElsesIdLeavesTheirSessionAlone() {
    String bobs = newSession(engine, BOB).sessionId();
    exchange(engine, BOB, bobs, "Hello, I need someone to talk to");

    join(ALICE, bobs);

    Session stillBobs = stored(engine, BOB, bobs);
    assertEquals(BOB, stillBobs.userId());
    assertEquals(2, stillBobs.conversationHistory().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "session/../etc", "session.1", "ünïcode"})
  void joinWithMalformedIdIsRefusedAsInvalidPayload(String malformed) {
    ConversationError error = refusal(engine.join(ALICE, Optional.of(malformed)));

    assertEquals(ErrorCode.INVALID_PAYLOAD, error.code());
  }

  @Test
  void joinWithIdOfOneHundredTwentyNineCharactersIsRefusedAsInvalidPayload() {
    ConversationError error = refusal(engine.join(ALICE, Optional.of("a".repeat(129))));

    assertEquals(ErrorCode.INVALID_PAYLOAD, error.code());
  }

  @Test
  void joinWhenTheStoreIsFullIsRefusedAsCapacityExceeded() {
    try (ConversationEngine full =
        ConversationEngine.builder()
            .chatModel(model)
            .sessionStore(new InMemorySessionStore(Duration.ofHours(1), 1))
            .build()) {
      newSession(full, ALICE);

      ConversationError error = refusal(full.join(BOB, Optional.empty()));

      assertEquals(ErrorCode.CAPACITY_EXCEEDED, error.code());
    }
  }

  @Test
  void sessionLookupHidesSomeoneElsesSession() {
    String bobs = newSession(engine, BOB).sessionId();

    assertEquals(Optional.empty(), engine.session(ALICE, bobs));
  }

  @Test
  void sessionLookupWithAMalformedIdFindsNothing() {
    assertEquals(Optional.empty(), engine.session(ALICE, "not a valid id"));
  }

  @Test
  void anonymousUserIdsStartWithAnonAndDiffer() {
    String first = engine.newAnonymousUserId();
    String second = engine.newAnonymousUserId();

    assertTrue(first.startsWith("anon_"), first);
    assertNotEquals(first, second);
  }
}
