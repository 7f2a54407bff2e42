package dev.mia.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetyRulesTest {
  @TempDir Path dir;

  private static boolean phraseFinds(String phrase, String text) {
    return Pattern.compile(SafetyRules.phrase(phrase)).matcher(text).find();
  }

  @Test
  void phraseMatchesWholeWordsOnly() {
    assertFalse(phraseFinds("die", "my diet starts monday"));
  }

  @Test
  void phraseToleratesRepeatedLetters() {
    assertTrue(phraseFinds("want to die", "i want to diee"));
  }

  @Test
  void phraseToleratesAMissingApostrophe() {
    assertTrue(phraseFinds("don't want to live", "i dont want to live"));
  }

  @Test
  void phraseWordsMayBeJoinedByAHyphenOrNothing() {
    assertTrue(phraseFinds("self harm", "self-harm") && phraseFinds("self harm", "selfharm"));
  }

  @Test
  void phraseWordEndingInAStarMatchesAnyEnding() {
    assertTrue(phraseFinds("unaliv*", "i keep unaliving myself in my head"));
  }

  @Test
  void higherTierRulesComeFirst() {
    SafetyRules rules =
        SafetyRules.parse("[tier 2: substance]\ndrugs\n[tier 3: suicidal-ideation]\ndie\n", "t");
    assertEquals(SafetyTier.CRITICAL, rules.rules().get(0).tier());
  }

  @Test
  void ruleRecordsItsFileAndLine() {
    SafetyRules rules = SafetyRules.parse("# c\n[tier 2: substance]\ndrugs\n", "extra.txt");
    assertEquals("extra.txt:3", rules.rules().get(0).source());
  }

  @Test
  void macrosExpandInRegexRules() {
    SafetyRules rules =
        SafetyRules.parse("@define X = (?:a|b)\n[tier 2: test]\nre: \\b{X}c\\b\n", "t");
    assertTrue(rules.rules().get(0).pattern().matcher("bc").find());
  }

  @Test
  void phraseWordsJoinTheVocabulary() {
    SafetyRules rules = SafetyRules.parse("[tier 3: test]\nyeet myself\n", "t");
    assertTrue(rules.vocabulary().contains("yeet"));
  }

  @Test
  void unknownSectionIsRejectedWithFileAndLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SafetyRules.parse("\n[tier 4: x]\n", "r.txt"));
    assertTrue(e.getMessage().startsWith("r.txt:2: unknown section [tier 4: x]"), e.getMessage());
  }

  @Test
  void unknownMacroIsRejectedWithFileAndLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SafetyRules.parse("[guard]\nre: {NOPE}\n", "r.txt"));
    assertEquals("r.txt:2: unknown macro {NOPE}; define it first with @define", e.getMessage());
  }

  @Test
  void badRegexIsRejectedWithFileAndLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SafetyRules.parse("[tier 2: x]\nre: (unclosed\n", "r.txt"));
    assertTrue(e.getMessage().startsWith("r.txt:2: bad regular expression"), e.getMessage());
  }

  @Test
  void ruleBeforeAnySectionIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SafetyRules.parse("die\n", "r.txt"));
    assertEquals(
        "r.txt:1: a rule before any section header; start with e.g. [tier 3: category]",
        e.getMessage());
  }

  @Test
  void spellingWithoutAnExpansionIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SafetyRules.parse("[spellings]\nwanna\n", "r.txt"));
    assertEquals("r.txt:2: expected 'chat spelling = expansion', got: wanna", e.getMessage());
  }

  @Test
  void builtInFileLoads() {
    SafetyRules rules = SafetyRules.builtIn();
    assertTrue(rules.rules().size() > 100 && !rules.guards().isEmpty());
  }

  @Test
  void operatorFileAddsRulesToTheBuiltInOnes() throws IOException {
    Path extra = dir.resolve("operator.txt");
    Files.writeString(extra, "[tier 2: local-slang]\nre: \\bzooted\\b\n");
    SafetyClassifier classifier = SafetyClassifiers.standard(extra);
    assertEquals(
        new SafetyAssessment(SafetyTier.MODERATE, "local-slang"),
        classifier.assess("i was so zooted last night"));
    assertEquals(SafetyTier.CRITICAL, classifier.assess("i want to die").tier());
  }

  @Test
  void operatorFileCanUseTheBuiltInMacros() throws IOException {
    Path extra = dir.resolve("operator.txt");
    Files.writeString(extra, "[tier 2: abuse]\nre: \\bmy {ABUSER} bites me\\b\n");
    assertEquals(
        SafetyTier.MODERATE,
        SafetyClassifiers.standard(extra).assess("my stepdad bites me").tier());
  }

  @Test
  void operatorGuardHidesOnlyTheMatchItContains() throws IOException {
    Path extra = dir.resolve("operator.txt");
    Files.writeString(extra, "[guard]\nre: \\bthe overdose tour\\b\n");
    SafetyClassifier classifier = SafetyClassifiers.standard(extra);
    assertEquals(SafetyTier.NORMAL, classifier.assess("going to the overdose tour gig").tier());
    assertEquals(
        SafetyTier.MODERATE,
        classifier.assess("the overdose tour was fun but my friend overdosed after").tier());
  }

  @Test
  void badOperatorFileIsRejectedNamingTheFile() throws IOException {
    Path extra = dir.resolve("operator.txt");
    Files.writeString(extra, "[tier 3: x]\nre: [\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SafetyClassifiers.standard(extra));
    assertTrue(e.getMessage().startsWith(extra + ":2: bad regular expression"), e.getMessage());
  }

  @Test
  void missingOperatorFileThrowsIoException() {
    assertThrows(
        NoSuchFileException.class, () -> SafetyClassifiers.standard(dir.resolve("nope.txt")));
  }
}
