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
import org.junit.jupiter.api.Test;

/** When a message's detection results are written to the store, and when they need not be. */
class ProfileWritesTest {
  private static final String ALICE = "alice";

  /** Counts the profile writes; everything goes to an in-memory store. */
  private static final class CountedProfiles extends ForwardingSessionStore {
    final AtomicInteger profiles = new AtomicInteger();

    CountedProfiles() {
      super(new InMemorySessionStore());
    }

    @Override
    public CompletionStage<Boolean> recordProfile(
        String sessionId, OptionalInt age, Mode mode, SafetyTier tier, long now) {
      profiles.incrementAndGet();
      return super.recordProfile(sessionId, age, mode, tier, now);
    }
  }

  private static int profileWritesFor(String... messages) {
    CountedProfiles store = new CountedProfiles();
    try (ScriptedChatModel model = ScriptedChatModel.replying("I'm listening.");
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(model).sessionStore(store).build()) {
      String id = newSession(engine, ALICE).sessionId();
      for (String message : messages) {
        exchange(engine, ALICE, id, message);
      }
      return store.profiles.get();
    }
  }

  @Test
  void aMessageThatTeachesNothingNewWritesNoProfile() {
    assertEquals(0, profileWritesFor("hello", "how was your day?"));
  }

  @Test
  void aStatedAgeIsWritten() {
    assertEquals(1, profileWritesFor("hello", "i'm 15 btw"));
  }

  @Test
  void anAlertIsWritten() {
    assertEquals(1, profileWritesFor("i want to kill myself"));
  }

  @Test
  void theStoredSessionStillHasTheAgeAndTierAfterQuietMessages() {
    CountedProfiles store = new CountedProfiles();
    try (ScriptedChatModel model = ScriptedChatModel.replying("I'm listening.");
        ConversationEngine engine =
            ConversationEngine.builder().chatModel(model).sessionStore(store).build()) {
      String id = newSession(engine, ALICE).sessionId();
      exchange(engine, ALICE, id, "im 14 and i want to die");
      exchange(engine, ALICE, id, "thanks for listening");

      assertEquals(OptionalInt.of(14), stored(engine, ALICE, id).age());
      assertEquals(SafetyTier.CRITICAL, stored(engine, ALICE, id).safetyTier());
      assertEquals(1, store.profiles.get());
    }
  }
}
