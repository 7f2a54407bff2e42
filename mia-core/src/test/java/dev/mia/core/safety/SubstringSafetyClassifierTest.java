package dev.mia.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The original server's rules, kept for comparison: their behaviour, flaws included. */
class SubstringSafetyClassifierTest {
  private final SafetyClassifier original = SafetyClassifiers.original();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "want to die",
        "kill myself",
        "suicide",
        "self harm",
        "self-harm",
        "end my life",
        "better off dead"
      })
  void eachSeedCriticalPhraseIsTierThree(String phrase) {
    assertEquals(SafetyTier.CRITICAL, original.assess("well, " + phrase + " I guess").tier());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"pills", "drugs", "dealer", "addicted", "overdose", "cutting", "hurt myself"})
  void eachSeedModeratePhraseIsTierTwo(String phrase) {
    assertEquals(SafetyTier.MODERATE, original.assess("it's about " + phrase + " ok").tier());
  }

  @Test
  void matchingIgnoresCase() {
    assertEquals(SafetyTier.CRITICAL, original.assess("I WANT TO DIE").tier());
  }

  @Test
  void criticalPhraseWinsOverModeratePhrase() {
    assertEquals(SafetyTier.CRITICAL, original.assess("pills, and I want to die").tier());
  }

  @Test
  void messageWithoutPhrasesIsTierOne() {
    assertEquals(SafetyAssessment.NORMAL, original.assess("hello there"));
  }

  @Test
  void chatSpellingIsMissedByTheOriginal() {
    assertEquals(SafetyTier.NORMAL, original.assess("kms fr").tier());
  }

  @Test
  void idiomRaisesAFalseAlarmInTheOriginal() {
    assertEquals(SafetyTier.MODERATE, original.assess("cutting-edge robots").tier());
  }

  @Test
  void movieTitleRaisesTierThreeInTheOriginal() {
    assertEquals(SafetyTier.CRITICAL, original.assess("has anyone seen suicide squad?").tier());
  }

  @Test
  void categoryNamesTheOriginalRule() {
    assertEquals("original-critical-phrase", original.assess("suicide").category());
  }
}
