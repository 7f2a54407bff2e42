package dev.mia.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server's rooms depend on one another downwards only (see the package-info of {@code
 * dev.mia.server}): read from the imports of the main sources, so a new arrow up or sideways fails
 * here before it becomes a cycle.
 */
class ServerRoomsTest {
  private static final Path MAIN = Path.of("src/main/java/dev/mia/server");
  private static final Pattern ROOM_IMPORT =
      Pattern.compile("import dev\\.mia\\.server\\.(\\w+)[.;]");

  /** The rooms each room may use. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "config", Set.of(),
          "compat", Set.of(),
          "model", Set.of(),
          "metrics", Set.of(),
          "store", Set.of(),
          "follow", Set.of(),
          "http", Set.of("config"),
          "socketio", Set.of("config", "compat", "follow"),
          "websocket", Set.of("config", "http", "follow"),
          "cluster", Set.of("socketio", "follow", "compat", "config"));

  /** {@return every room: those the rule above lists} */
  static Stream<String> rooms() {
    return ALLOWED.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("rooms")
  void aRoomUsesOnlyTheRoomsBelowIt(String room) throws IOException {
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.list(MAIN.resolve(room))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = ROOM_IMPORT.matcher(Files.readString(file));
        while (m.find()) {
          if (!m.group(1).equals(room)) {
            used.add(m.group(1));
          }
        }
      }
    }
    used.removeAll(ALLOWED.get(room));

    assertEquals(Set.of(), used, room + " uses rooms it must not");
  }

  @ParameterizedTest
  @MethodSource("rooms")
  void everyRoomSaysWhatItHoldsInItsPackageInfo(String room) {
    assertEquals(true, Files.isRegularFile(MAIN.resolve(room).resolve("package-info.java")), room);
  }
}
