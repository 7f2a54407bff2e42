package dev.mia.core.exercise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.text.TextFolding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guided exercises Mia offers, and which fit a message: those whose cues the message mentions
 * (anxiety, panic, not being able to breathe…), and, when it raises a crisis alert, those meant for
 * a crisis. The built-in set is {@code exercises.json} beside this class; an operator replaces it
 * with a file of the same shape ({@link #load}). Immutable and thread-safe.
 */
public final class GuidedExercises {
  private final Map<String, GuidedExercise> byId;
  private final Map<GuidedExercise, List<String>> cues = new LinkedHashMap<>();

  private GuidedExercises(List<GuidedExercise> exercises) {
    if (exercises.isEmpty()) {
      throw new IllegalArgumentException("there must be at least one exercise");
    }
    Map<String, GuidedExercise> ids = new LinkedHashMap<>();
    for (GuidedExercise e : exercises) {
      if (ids.put(e.id(), e) != null) {
        throw new IllegalArgumentException("two exercises share the id " + e.id());
      }
      List<String> folded = new ArrayList<>();
      for (String cue : e.cues()) {
        folded.add(TextFolding.fold(cue));
      }
      cues.put(e, List.copyOf(folded));
    }
    this.byId = Map.copyOf(ids);
  }

  /** {@return the built-in exercises} */
  public static GuidedExercises defaults() {
    try (InputStream in = GuidedExercises.class.getResourceAsStream("exercises.json")) {
      if (in == null) {
        throw new IllegalStateException("exercises.json is missing from the classpath");
      }
      return parse(new ObjectMapper().readTree(in), "exercises.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@return the exercises of an operator's file}, a JSON array of objects with the fields of
   * {@link GuidedExercise}
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static GuidedExercises load(Path file) throws IOException {
    return parse(new ObjectMapper().readTree(Files.readString(file)), file.toString());
  }

  private static GuidedExercises parse(JsonNode root, String source) {
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException(source + ": expected a JSON array of exercises");
    }
    List<GuidedExercise> exercises = new ArrayList<>();
    for (JsonNode node : root) {
      try {
        List<String> cues = new ArrayList<>();
        node.path("cues").forEach(c -> cues.add(c.asText()));
        exercises.add(
            new GuidedExercise(
                text(node, "id"),
                text(node, "label"),
                text(node, "instruction"),
                text(node, "completeLabel"),
                text(node, "achievement"),
                node.path("therapeuticValue").asDouble(-1),
                cues,
                node.path("forCrisis").asBoolean(false)));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
      }
    }
    return new GuidedExercises(exercises);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("every exercise needs a string \"" + field + "\"");
    }
    return value.asText();
  }

  /** {@return every exercise, in the file's order} */
  public List<GuidedExercise> all() {
    return List.copyOf(cues.keySet());
  }

  /** {@return the exercise with this id} */
  public Optional<GuidedExercise> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** {@return the exercise whose completion button has this id} */
  public Optional<GuidedExercise> byCompletionId(String id) {
    return id.endsWith("_complete")
        ? byId(id.substring(0, id.length() - "_complete".length()))
        : Optional.empty();
  }

  /** {@return the exercises worth offering after {@code message}, assessed at {@code tier}} */
  public List<GuidedExercise> suggestedFor(String message, SafetyTier tier) {
    String folded = TextFolding.fold(message);
    List<GuidedExercise> fit = new ArrayList<>();
    for (Map.Entry<GuidedExercise, List<String>> e : cues.entrySet()) {
      boolean crisis = tier == SafetyTier.CRITICAL && e.getKey().forCrisis();
      if (crisis || mentionsAny(folded, e.getValue())) {
        fit.add(e.getKey());
      }
    }
    return List.copyOf(fit);
  }

  private static boolean mentionsAny(String folded, List<String> cues) {
    for (String cue : cues) {
      if (WholeWords.contains(folded, cue)) {
        return true;
      }
    }
    return false;
  }
}
