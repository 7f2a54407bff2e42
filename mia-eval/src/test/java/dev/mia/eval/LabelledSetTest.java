package dev.mia.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.safety.SafetyTier;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LabelledSetTest {
  private static final String GOOD =
      "{\"id\": \"a-1\", \"text\": \"I’m 15\", \"tier\": 1, \"age\": 15, \"note\": \"n\"}\n"
          + "\n"
          + "{\"id\": \"a-2\", \"text\": \"i want to die\", \"tier\": 3, \"age\": null}\n";

  @Test
  void readsEveryFieldOfEachLine() {
    List<LabelledMessage> messages = LabelledSet.parse(GOOD, "set.jsonl");
    assertEquals(
        new LabelledMessage("a-1", "I’m 15", SafetyTier.NORMAL, OptionalInt.of(15), "n"),
        messages.get(0));
  }

  @Test
  void nullAgeAndMissingNoteAreAccepted() {
    LabelledMessage second = LabelledSet.parse(GOOD, "set.jsonl").get(1);
    assertEquals(OptionalInt.empty(), second.age());
    assertEquals("", second.note());
  }

  @Test
  void blankLinesAreSkipped() {
    assertEquals(2, LabelledSet.parse(GOOD, "set.jsonl").size());
  }

  @Test
  void tierOutsideOneToThreeIsRejectedWithTheLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LabelledSet.parse("{\"id\":\"x\",\"text\":\"t\",\"tier\":4}", "s.jsonl"));
    assertEquals("s.jsonl:1: \"tier\" must be 1, 2 or 3", e.getMessage());
  }

  @Test
  void ageOutsideFiveToAHundredIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LabelledSet.parse("{\"id\":\"x\",\"text\":\"t\",\"tier\":1,\"age\":3}", "s.jsonl"));
    assertEquals("s.jsonl:1: \"age\" must be null or a whole number from 5 to 100", e.getMessage());
  }

  @Test
  void missingTextIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LabelledSet.parse("{\"id\":\"x\",\"tier\":1}", "s.jsonl"));
    assertEquals("s.jsonl:1: \"text\" must be a string", e.getMessage());
  }

  @Test
  void duplicateIdIsRejected() {
    String line = "{\"id\":\"x\",\"text\":\"t\",\"tier\":1}\n";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LabelledSet.parse(line + line, "s"));
    assertEquals("s:2: duplicate id x", e.getMessage());
  }

  @Test
  void brokenJsonIsRejectedWithTheLine() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LabelledSet.parse("{oops", "s"));
    assertTrue(e.getMessage().startsWith("s:1: not a JSON object"), e.getMessage());
  }

  @Test
  void emptySetIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LabelledSet.parse("\n\n", "s"));
    assertEquals("s: no messages", e.getMessage());
  }
}
