package dev.mia.server;

import static dev.mia.server.testing.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.core.testing.FakeOpenAi;
import dev.mia.server.testing.Health;
import dev.mia.server.testing.TestClient;
import dev.mia.server.testing.TestClient.Event;
import dev.mia.server.testing.UnpackedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image that {@code mvn -Pimage package} writes to {@code target/jib-image.tar}: its
 * configuration, and its exact entrypoint started in its own file system, as its own user, serving
 * a chat. Runs after the image is built (failsafe, profile {@code image}). Without the tarball it
 * is skipped, unless {@code MIA_REQUIRE_IMAGE} is set (system property or environment), as the
 * profile and CI set it: then a missing tarball fails.
 */
class ContainerImageTest {
  private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
  private static final Path TARBALL = MODULE.resolve("target/jib-image.tar");
  private static final Path JVM_OPTIONS = MODULE.resolve("target/jvm.options");

  @TempDir static Path dir;
  private static UnpackedImage image;

  @BeforeAll
  static void unpack() {
    boolean required =
        !System.getProperty("MIA_REQUIRE_IMAGE", "").isBlank()
            || !System.getenv().getOrDefault("MIA_REQUIRE_IMAGE", "").isBlank();
    if (!Files.isRegularFile(TARBALL)) {
      if (required) {
        fail(TARBALL + " is missing: build it with mvn -B verify -Pimage");
      }
      assumeTrue(false, TARBALL + " is missing and MIA_REQUIRE_IMAGE is unset");
    }
    // The image is started with chroot in new namespaces, which takes root (as CI runs).
    if (!isRoot()) {
      if (required) {
        fail("the image test starts the image with unshare and chroot: run it as root");
      }
      assumeTrue(false, "not root: cannot start the image with unshare and chroot");
    }
    image = UnpackedImage.unpack(TARBALL, dir);
  }

  @Test
  void runsAsANonRootUserWithItsDataDirectoryAsAWritableVolume() throws IOException {
    String[] user = image.user().split(":");
    assertEquals(2, user.length, "User must be numeric uid:gid, is " + image.user());
    int uid = Integer.parseInt(user[0]);
    int gid = Integer.parseInt(user[1]);
    assertNotEquals(0, uid, "the image runs as root");

    JsonNode config = image.config();
    assertTrue(config.path("Volumes").has("/data"), config.toString());
    assertEquals("/data", image.environment().get("MIA_DATA_DIR"));
    assertTrue(config.path("ExposedPorts").has("3001/tcp"), config.toString());
    // A fresh named volume copies the image's /data, owner and mode; /tmp is the JVM's and
    // Netty's native-library scratch.
    assertTrue(writableBy(image.path("/data"), uid, gid), "/data is not writable by " + uid);
    assertTrue(writableBy(image.path("/tmp"), uid, gid), "/tmp is not writable by " + uid);
  }

  @Test
  void entrypointRunsTheServerWithTheFlagsOfJvmOptions() throws IOException {
    List<String> flags =
        Files.readAllLines(JVM_OPTIONS).stream()
            .filter(line -> !line.startsWith("#"))
            .flatMap(line -> Arrays.stream(line.trim().split("\\s+")))
            .filter(token -> !token.isEmpty())
            .toList();
    assertFalse(flags.isEmpty(), JVM_OPTIONS + " has no flags");

    List<String> command = image.commandLine();
    assertEquals(List.of("java"), command.subList(0, 1), "the entrypoint starts java: " + command);
    assertEquals(flags, command.subList(1, 1 + flags.size()), "flags in " + command);
    assertEquals(Main.class.getName(), command.get(command.size() - 1));
    Path java = image.path(image.environment().get("PATH").split(":")[0]).resolve("java");
    assertTrue(Files.isExecutable(java), java + " is not executable");
  }

  @Test
  void startedAsAContainerItServesAChatAsItsUserAndExitsWithZeroOnSigterm() throws Exception {
    int port = freePort();
    try (FakeOpenAi fake = FakeOpenAi.start();
        UnpackedImage.Container container =
            image.start(
                Map.of(
                    "PORT",
                    Integer.toString(port),
                    "HOST",
                    "127.0.0.1",
                    "MIA_DATA_DIR",
                    // The unpacked root is in a temporary directory: its /data is a fresh one,
                    // as a new named volume is.
                    "/data",
                    "OPENAI_API_KEY",
                    "test-key",
                    // By name: the model call also goes through the image's NSS (/etc/hosts).
                    "OPENAI_BASE_URL",
                    fake.baseUrl().replace("127.0.0.1", "localhost")),
                dir.resolve("container.log"))) {
      String url = "http://127.0.0.1:" + port;
      Health.await(
          url, "the container", container::isAlive, container::output, Duration.ofSeconds(60));

      ProcessHandle init = container.init().orElseThrow();
      assertEquals(image.commandLine(), commandLine(init), "the running command line");
      assertEquals(image.user().split(":")[0], status(init, "Uid").split("\\s+")[0]);
      // Netty's native epoll transport, unpacked to /tmp and linked against the image's glibc.
      assertTrue(
          Files.readString(Path.of("/proc", Long.toString(init.pid()), "maps"))
              .contains("libnetty_transport_native_epoll"),
          "native epoll is not loaded: " + container.output());

      try (TestClient client =
          TestClient.connect(url, TestClient.Transport.WEBSOCKET).connected()) {
        client.emit("join_session", json("sessionId", null));
        String sessionId = client.await("session_created").getString("sessionId");
        client.emit("message", json("sessionId", sessionId, "message", "hello"));
        List<Event> events = client.until("message_complete");
        String chunks =
            events.stream()
                .filter(e -> e.name().equals("message_chunk"))
                .map(e -> e.json().getString("chunk"))
                .collect(Collectors.joining());
        assertEquals(fake.replyText(), chunks, container.output());
        assertEquals(fake.replyText(), events.get(events.size() - 1).json().getString("message"));
      }

      assertEquals(0, container.stop(60), container.output());
    }
  }

  /** {@return the process's arguments, from /proc (NUL-separated)} */
  private static List<String> commandLine(ProcessHandle process) throws IOException {
    String raw =
        Files.readString(
            Path.of("/proc", Long.toString(process.pid()), "cmdline"), StandardCharsets.UTF_8);
    return List.of(raw.substring(0, raw.length() - 1).split("\0", -1));
  }

  /** {@return the value of one line of /proc/PID/status} */
  private static String status(ProcessHandle process, String key) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
        .filter(line -> line.startsWith(key + ":"))
        .map(line -> line.substring(key.length() + 1).trim())
        .findFirst()
        .orElseThrow();
  }

  private static boolean writableBy(Path dir, int uid, int gid) throws IOException {
    int owner = (int) Files.getAttribute(dir, "unix:uid");
    int group = (int) Files.getAttribute(dir, "unix:gid");
    int mode = (int) Files.getAttribute(dir, "unix:mode");
    int bits = owner == uid ? mode >> 6 : group == gid ? mode >> 3 : mode;
    return Files.isDirectory(dir) && (bits & 3) == 3; // write and search
  }

  private static boolean isRoot() {
    try {
      return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
