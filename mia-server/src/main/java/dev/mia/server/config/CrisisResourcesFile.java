package dev.mia.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mia.core.safety.CrisisResource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a deployment's crisis resources: a JSON array of {@code {"name", "contact", "description"}}
 * objects, all strings, at least one. A file that does not fit stops the start with a message
 * naming the variable.
 */
final class CrisisResourcesFile {
  private static final String VARIABLE = "MIA_CRISIS_RESOURCES_FILE";

  private CrisisResourcesFile() {}

  static List<CrisisResource> read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(VARIABLE + " names a file that is not readable JSON: " + file);
    }
    if (root == null || !root.isArray() || root.isEmpty()) {
      throw new ConfigException(
          VARIABLE
              + " must hold a non-empty JSON array of {\"name\", \"contact\", \"description\"}");
    }
    List<CrisisResource> resources = new ArrayList<>();
    for (JsonNode item : root) {
      String name = text(item, "name");
      String contact = text(item, "contact");
      String description = text(item, "description");
      resources.add(new CrisisResource(name, contact, description));
    }
    return List.copyOf(resources);
  }

  private static String text(JsonNode item, String field) {
    JsonNode value = item.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new ConfigException(
          VARIABLE + ": every resource needs a non-empty string \"" + field + "\"");
    }
    return value.asText();
  }
}
