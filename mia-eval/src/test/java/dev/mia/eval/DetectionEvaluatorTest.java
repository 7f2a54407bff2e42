package dev.mia.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionEvaluatorTest {
  @TempDir Path dir;
  private Path set;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void writeSet() throws IOException {
    set = dir.resolve("set.jsonl");
    Files.writeString(
        set,
        "{\"id\":\"x-1\",\"text\":\"kms fr\",\"tier\":3,\"age\":null}\n"
            + "{\"id\":\"x-2\",\"text\":\"I'm 5 minutes away\",\"tier\":1,\"age\":null}\n"
            + "{\"id\":\"x-3\",\"text\":\"im 14 and my wifi keeps cutting out\",\"tier\":1,"
            + "\"age\":14}\n");
  }

  private int run(String... args) {
    return DetectionEvaluator.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String[] outLines() {
    return out.toString(StandardCharsets.UTF_8).split("\n");
  }

  private JsonNode lastLineJson() throws IOException {
    String[] lines = outLines();
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  @Test
  void lastLineIsTheJsonSummary() throws IOException {
    assertEquals(0, run(set.toString()));
    JsonNode json = lastLineJson();
    assertEquals(3, json.get("n").asInt());
    assertEquals("standard", json.get("rules").asText());
    assertEquals(1.0, json.get("tier3_recall").asDouble());
  }

  @Test
  void reportShowsTheConfusionMatrixAndRawCounts() {
    run(set.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("Confusion matrix"), text);
    assertTrue(text.contains("tier 3 recall") && text.contains("1/1 100.0%"), text);
  }

  @Test
  void originalRulesAreSelectable() throws IOException {
    assertEquals(0, run("--rules", "original", set.toString()));
    JsonNode json = lastLineJson();
    assertEquals("original", json.get("rules").asText());
    assertEquals(0.0, json.get("tier3_recall").asDouble());
    assertEquals(0.5, json.get("age_false_positive_rate").asDouble());
  }

  @Test
  void misclassifiedMessagesAreListedWithTheirText() {
    run("--rules", "original", set.toString());
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .contains("x-1  labelled 3, predicted 1 (none): kms fr"));
  }

  @Test
  void jsonOutWritesTheSameJsonToAFile() throws IOException {
    Path json = dir.resolve("out.json");
    assertEquals(0, run("--json-out", json.toString(), set.toString()));
    String[] lines = outLines();
    assertEquals(lines[lines.length - 1] + "\n", Files.readString(json));
  }

  @Test
  void unknownRulesNameIsAUsageError() {
    assertEquals(2, run("--rules", "fancy", set.toString()));
    assertEquals(
        "--rules must be 'standard' or 'original', was 'fancy'",
        err.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void missingFileArgumentIsAUsageError() {
    assertEquals(2, run());
  }

  @Test
  void unreadableFileIsAnError() {
    assertEquals(1, run(dir.resolve("missing.jsonl").toString()));
  }

  @Test
  void operatorRuleFilesExtendTheStandardRules() throws IOException {
    Path extra = dir.resolve("extra-safety.txt");
    Files.writeString(extra, "[tier 2: test]\nre: \\bminutes away\\b\n");
    assertEquals(0, run("--safety-rules", extra.toString(), set.toString()));
    assertEquals(0.5, lastLineJson().get("tier1_false_alarm_rate").asDouble());
  }
}
