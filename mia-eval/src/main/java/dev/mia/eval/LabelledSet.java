package dev.mia.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mia.core.profile.AgeDetector;
import dev.mia.core.safety.SafetyTier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads a labelled evaluation set: JSON Lines, one object per line with {@code id}, {@code text},
 * {@code tier} (1 to 3), {@code age} (5 to 100, or null) and an optional {@code note}. Blank lines
 * are skipped.
 */
public final class LabelledSet {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LabelledSet() {}

  /**
   * {@return the messages of {@code file}, in file order}
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and line of the first bad line
   */
  public static List<LabelledMessage> read(Path file) throws IOException {
    Objects.requireNonNull(file, "file == null");
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * {@return the messages of JSON Lines {@code text}}
   *
   * @param sourceName names the source in error messages
   * @throws IllegalArgumentException naming the source and line of the first bad line
   */
  public static List<LabelledMessage> parse(String text, String sourceName) {
    List<LabelledMessage> messages = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String where = sourceName + ":" + (i + 1);
      LabelledMessage message = parseLine(lines[i], where);
      if (!ids.add(message.id())) {
        throw new IllegalArgumentException(where + ": duplicate id " + message.id());
      }
      messages.add(message);
    }
    if (messages.isEmpty()) {
      throw new IllegalArgumentException(sourceName + ": no messages");
    }
    return List.copyOf(messages);
  }

  private static LabelledMessage parseLine(String line, String where) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where + ": not a JSON object: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + ": not a JSON object");
    }
    String id = requiredText(node, "id", where);
    String text = requiredText(node, "text", where);
    JsonNode tier = node.get("tier");
    if (tier == null || !tier.isInt() || tier.asInt() < 1 || tier.asInt() > 3) {
      throw new IllegalArgumentException(where + ": \"tier\" must be 1, 2 or 3");
    }
    JsonNode age = node.get("age");
    OptionalInt ageLabel;
    if (age == null || age.isNull()) {
      ageLabel = OptionalInt.empty();
    } else if (age.isInt()
        && age.asInt() >= AgeDetector.MIN_AGE
        && age.asInt() <= AgeDetector.MAX_AGE) {
      ageLabel = OptionalInt.of(age.asInt());
    } else {
      throw new IllegalArgumentException(
          where + ": \"age\" must be null or a whole number from 5 to 100");
    }
    JsonNode note = node.get("note");
    return new LabelledMessage(
        id,
        text,
        SafetyTier.ofLevel(tier.asInt()),
        ageLabel,
        note != null && note.isTextual() ? note.asText() : "");
  }

  private static String requiredText(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(where + ": \"" + field + "\" must be a string");
    }
    if (field.equals("id") && value.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": \"id\" is blank");
    }
    return value.asText();
  }
}
