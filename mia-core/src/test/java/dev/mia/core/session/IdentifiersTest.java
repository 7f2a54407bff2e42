package dev.mia.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {
  private static final Pattern RANDOM_PART = Pattern.compile("[A-Za-z0-9_-]{22}");

  private final Identifiers ids = new Identifiers();

  @Test
  void sessionIdIsSessionPrefixAndTwentyTwoRandomCharacters() {
    String id = ids.newSessionId();

    assertTrue(id.startsWith("session_"), id);
    assertTrue(RANDOM_PART.matcher(id.substring("session_".length())).matches(), id);
  }

  @Test
  void anonymousUserIdIsAnonPrefixAndTwentyTwoRandomCharacters() {
    String id = ids.newAnonymousUserId();

    assertTrue(id.startsWith("anon_"), id);
    assertTrue(RANDOM_PART.matcher(id.substring("anon_".length())).matches(), id);
  }

  @Test
  void madeIdsAreWellFormed() {
    assertTrue(Identifiers.isWellFormed(ids.newSessionId()));
    assertTrue(Identifiers.isWellFormed(ids.newAnonymousUserId()));
  }

  @Test
  void manyIdsAreAllDifferent() {
    Set<String> seen = new HashSet<>();

    for (int i = 0; i < 20_000; i++) {
      seen.add(ids.newSessionId());
    }

    assertEquals(20_000, seen.size());
  }

  @Test
  void idOfOneHundredTwentyEightCharactersIsWellFormed() {
    assertTrue(Identifiers.isWellFormed("a".repeat(128)));
  }

  @Test
  void idOfOneHundredTwentyNineCharactersIsMalformed() {
    assertFalse(Identifiers.isWellFormed("a".repeat(129)));
  }

  @Test
  void emptyIdIsMalformed() {
    assertFalse(Identifiers.isWellFormed(""));
  }

  @Test
  void nullIdIsMalformed() {
    assertFalse(Identifiers.isWellFormed(null));
  }

  @Test
  void lettersDigitsUnderscoreAndDashAreWellFormed() {
    assertTrue(Identifiers.isWellFormed("session_AZaz09-_"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "has space",
        "slash/id",
        "dot.id",
        "é",
        "semi;colon",
        "line\nbreak",
        "trailing\n",
        "+"
      })
  void idWithOtherCharactersIsMalformed(String id) {
    assertFalse(Identifiers.isWellFormed(id));
  }
}
