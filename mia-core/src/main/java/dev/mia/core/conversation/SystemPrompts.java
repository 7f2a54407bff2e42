package dev.mia.core.conversation;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.CrisisResource;
import dev.mia.core.safety.SafetyTier;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The system prompt given to the model, assembled from the detected mode, age band and safety tier
 * out of one properties file an operator may replace. Immutable and thread-safe.
 */
public final class SystemPrompts {
  private static final String DEFAULT_RESOURCE = "prompts.properties";
  private static final List<String> REQUIRED_KEYS = requiredKeys();

  private final Map<String, String> pieces;

  private SystemPrompts(Map<String, String> pieces) {
    this.pieces = Map.copyOf(pieces);
  }

  /** {@return the prompts that ship with Mia} */
  public static SystemPrompts defaults() {
    try (InputStream in = SystemPrompts.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      }
      return parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), DEFAULT_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@return prompts read from an operator's properties file (UTF-8), with the same keys as the
   * shipped one}
   *
   * @throws IllegalArgumentException naming the missing keys, if any
   * @throws UncheckedIOException if the file cannot be read
   */
  public static SystemPrompts load(Path file) {
    Objects.requireNonNull(file, "file == null");
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(reader, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read prompts file " + file, e);
    }
  }

  private static SystemPrompts parse(Reader reader, String source) throws IOException {
    Properties properties = new Properties();
    properties.load(reader);
    Map<String, String> pieces = new TreeMap<>();
    properties.stringPropertyNames().forEach(k -> pieces.put(k, properties.getProperty(k).trim()));
    List<String> missing =
        REQUIRED_KEYS.stream().filter(k -> !pieces.containsKey(k)).collect(Collectors.toList());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(source + " lacks the keys " + missing);
    }
    return new SystemPrompts(pieces);
  }

  /** {@return the system prompt for one message} */
  String build(Mode mode, OptionalInt age, SafetyTier tier, List<CrisisResource> resources) {
    StringBuilder prompt = new StringBuilder(pieces.get("base"));
    prompt.append("\n\n").append(pieces.get("mode." + mode.name()));
    if (age.isPresent()) {
      int years = age.getAsInt();
      String band = years <= 12 ? "age.child" : years <= 17 ? "age.teen" : "age.adult";
      prompt.append("\n\n").append(pieces.get(band).replace("{age}", Integer.toString(years)));
    }
    if (tier.raisesAlert()) {
      String list =
          resources.stream()
              .map(r -> "- " + r.name() + ": " + r.contact() + ". " + r.description())
              .collect(Collectors.joining("\n"));
      prompt
          .append("\n\n")
          .append(pieces.get("safety." + tier.level()).replace("{resources}", list));
    }
    return prompt.toString();
  }

  private static List<String> requiredKeys() {
    List<String> keys = new ArrayList<>(List.of("base", "age.child", "age.teen", "age.adult"));
    for (Mode mode : Mode.values()) {
      keys.add("mode." + mode.name());
    }
    keys.add("safety.2");
    keys.add("safety.3");
    return List.copyOf(keys);
  }
}
