package dev.mia.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A container image tarball, as {@code docker save} and Jib's {@code buildTar} write it, unpacked
 * into a directory: its configuration, and its layers laid one over the other into a root file
 * system. {@link #start} runs the image's entrypoint inside that root the way a container runtime
 * does, without one: in new mount and PID namespaces (the entrypoint is PID 1, with its own {@code
 * /proc}), changed into the root, as the image's user, with exactly the image's environment plus
 * the caller's; the network is the host's, so it listens on the host's loopback.
 *
 * <p>Needs root, GNU tar, util-linux's {@code unshare} and {@code mount}, and coreutils' {@code
 * chroot}, as on a Debian machine. Whiteouts are not applied: an image on {@code scratch} has none.
 */
public final class UnpackedImage {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Run by {@code sh} in the new namespaces: mounts the container's {@code /proc} (the JVM and the
   * loader need it: {@code $ORIGIN} in the runtime's library path is read from {@code
   * /proc/self/exe}) and the device nodes a runtime provides, then becomes the entrypoint. The
   * mounts exist only in the new mount namespace and go with it.
   */
  private static final String ENTER =
      """
      root="$1"; user="$2"; shift 2
      /bin/mount -t proc proc "$root/proc" || exit 125
      for d in null zero random urandom; do
        /bin/mount --bind "/dev/$d" "$root/dev/$d" || exit 125
      done
      exec /usr/sbin/chroot --userspec="$user" "$root" "$@"
      """;

  private final Path root;
  private final JsonNode config;

  private UnpackedImage(Path root, JsonNode config) {
    this.root = root;
    this.config = config;
  }

  /** {@return {@code tarball} unpacked into {@code dir}, which must be empty} */
  public static UnpackedImage unpack(Path tarball, Path dir) {
    try {
      Path image = Files.createDirectories(dir.resolve("image"));
      Path root = Files.createDirectories(dir.resolve("root"));
      tar("-xf", tarball.toString(), "-C", image.toString());
      JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
      for (JsonNode layer : manifest.get("Layers")) {
        // Owners and modes as recorded (the tests run as root), as a runtime lays them out.
        tar(
            "--numeric-owner",
            "--same-owner",
            "--warning=no-unknown-keyword",
            "-xpzf",
            image.resolve(layer.asText()).toString(),
            "-C",
            root.toString());
      }
      JsonNode config =
          JSON.readTree(image.resolve(manifest.get("Config").asText()).toFile()).get("config");
      return new UnpackedImage(root, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return the root file system} */
  public Path root() {
    return root;
  }

  /** {@return where the image's absolute {@code path} is in {@link #root()}} */
  public Path path(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not absolute: " + path);
    }
    return root.resolve(path.substring(1));
  }

  /** {@return the image configuration's {@code config} object: Entrypoint, Env, User...} */
  public JsonNode config() {
    return config;
  }

  /** {@return the entrypoint followed by the command: what a runtime executes} */
  public List<String> commandLine() {
    List<String> line = strings(config.get("Entrypoint"));
    line.addAll(strings(config.get("Cmd")));
    return line;
  }

  /** {@return the image's environment, in order} */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : strings(config.get("Env"))) {
      int eq = entry.indexOf('=');
      env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return env;
  }

  /** {@return the {@code User} the image runs as, e.g. {@code 65532:65532}} */
  public String user() {
    return config.path("User").asText("");
  }

  /**
   * {@return the image's command line started in its root as its user, with its environment plus
   * {@code env}; everything it prints goes to {@code output}} Nothing is awaited.
   */
  public Container start(Map<String, String> env, Path output) {
    try {
      Files.createDirectories(path("/proc"));
      Files.createDirectories(path("/dev"));
      for (String device : List.of("null", "zero", "random", "urandom")) {
        Path node = path("/dev/" + device);
        if (!Files.exists(node)) {
          Files.createFile(node);
        }
      }
      List<String> command =
          new ArrayList<>(
              List.of(
                  "/usr/bin/unshare",
                  "--mount",
                  "--pid",
                  "--fork",
                  // If this launcher dies, so does the container.
                  "--kill-child",
                  "--",
                  "/bin/sh",
                  "-c",
                  ENTER,
                  "sh",
                  root.toString(),
                  user()));
      command.addAll(commandLine());
      Map<String, String> all = environment();
      all.putAll(env);
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().clear();
      builder.environment().putAll(all);
      return new Container(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The running image: the launcher, and the entrypoint's process under it. */
  public static final class Container implements AutoCloseable {
    private final Process launcher;
    private final Path output;

    private Container(Process launcher, Path output) {
      this.launcher = launcher;
      this.output = output;
    }

    /** {@return whether the container still runs} */
    public boolean isAlive() {
      return launcher.isAlive();
    }

    /**
     * {@return the entrypoint's process (PID 1 in the container), once it has been forked} Empty if
     * it has not been yet, or has exited.
     */
    public Optional<ProcessHandle> init() {
      return launcher.children().findFirst();
    }

    /**
     * Sends SIGTERM to the entrypoint's process, as {@code docker stop} does, and waits for the
     * container to exit; {@return its exit status}, that of the entrypoint.
     *
     * @throws AssertionError if it has not exited within {@code seconds}
     */
    public int stop(long seconds) {
      ProcessHandle init =
          init().orElseThrow(() -> new AssertionError("no entrypoint process: " + output()));
      init.destroy();
      try {
        if (!launcher.waitFor(seconds, TimeUnit.SECONDS)) {
          throw new AssertionError("still running " + seconds + " s after SIGTERM: " + output());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      return launcher.exitValue();
    }

    /** {@return everything the container printed so far} */
    public String output() {
      try {
        return Files.readString(output);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Kills the container if it still runs. */
    @Override
    public void close() {
      init().ifPresent(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
      try {
        launcher.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> list.add(n.asText()));
    }
    return list;
  }

  private static void tar(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("tar"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + printed);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
