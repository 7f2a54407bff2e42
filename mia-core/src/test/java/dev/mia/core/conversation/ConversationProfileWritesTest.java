package dev.mia.core.conversation;

import static dev.mia.core.testing.Conversations.exchange;
import static dev.mia.core.testing.Conversations.newSession;
import static dev.mia.core.testing.Conversations.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.InMemorySessionStore;
import dev.mia.core.testing.ForwardingSessionStore;
import dev.mia.core.testing.ScriptedChatModel;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message's profile (stated age, mode, alert tier) is written only when it changes the session,
 * so that a durable store does two writes per message, not three, in a conversation that goes on as
 * it was.
 */
@Timeout(60)
class ConversationProfileWritesTest {
  private static final String ALICE = "anon_alice";

  /** Counts the profile writes that reach the store. */
  private static final class CountedProfiles extends ForwardingSessionStore {
    final AtomicInteger writes = new AtomicInteger();

    CountedProfiles() {
      super(new InMemorySessionStore());
    }

    @Override
    public CompletionStage<Boolean> recordProfile(
        String sessionId, OptionalInt age, Mode mode, SafetyTier tier, long now) {
      writes.incrementAndGet();
      return super.recordProfile(sessionId, age, mode, tier, now);
    }
  }

  private final CountedProfiles store = new CountedProfiles();
  private final ScriptedChatModel model = ScriptedChatModel.replying("I'm here.");
  private final ConversationEngine engine =
      ConversationEngine.builder().chatModel(model).sessionStore(store).build();
  private final String session = newSession(engine, ALICE).sessionId();

  @AfterEach
  void stop() {
    engine.close();
    model.close();
  }

  private void say(String message) {
    exchange(engine, ALICE, session, message);
  }

  @Test
  void aStatedAgeIsWritten() {
    say("Hi, I'm 10 years old");

    assertEquals(1, store.writes.get());
    assertEquals(OptionalInt.of(10), stored(engine, ALICE, session).age());
  }

  @Test
  void aMessageThatKeepsTheModeAndStatesNothingNewWritesNoProfile() {
    say("Hi, I'm 10 years old");

    say("I like drawing cats");

    assertEquals(1, store.writes.get());
    assertEquals(Mode.MIRROR_LEARNING, stored(engine, ALICE, session).mode());
  }

  @Test
  void restatingTheStoredAgeWritesNoProfile() {
    say("Hi, I'm 10 years old");

    say("I'm 10 years old and I like drawing cats");

    assertEquals(1, store.writes.get());
  }

  @Test
  void aMessageThatChangesTheModeIsWritten() {
    say("Hi, I'm 10 years old");

    say("This is urgent");

    assertEquals(2, store.writes.get());
    assertEquals(Mode.URGENCY, stored(engine, ALICE, session).mode());
  }

  @Test
  void anAlertIsWrittenEvenWhenTheModeStaysTheSame() {
    say("Hi, I'm 10 years old");

    say("I feel hopeless and I want to kill myself");

    assertEquals(SafetyTier.CRITICAL, stored(engine, ALICE, session).safetyTier());
    assertEquals(2, store.writes.get());
  }

  @Test
  void theStandingAlertRepeatedWritesNoProfile() {
    say("I feel hopeless and I want to kill myself");
    int afterFirst = store.writes.get();

    say("I feel hopeless and I want to kill myself");

    assertEquals(afterFirst, store.writes.get());
    assertEquals(SafetyTier.CRITICAL, stored(engine, ALICE, session).safetyTier());
  }
}
