package dev.mia.core.conversation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prompt files for tests, whose pieces are short markers so an assembled prompt reads plainly. */
final class TestPrompts {
  static final String MARKERS =
      String.join(
          "\n",
          "base=BASE",
          "mode.GREETING=MODE GREETING",
          "mode.MIRROR_LEARNING=MODE MIRROR_LEARNING",
          "mode.EDUCATIONAL=MODE EDUCATIONAL",
          "mode.URGENCY=MODE URGENCY",
          "mode.FUNDRAISING=MODE FUNDRAISING",
          "age.child=CHILD {age}",
          "age.teen=TEEN {age}",
          "age.adult=ADULT {age}",
          "safety.2=SAFETY2 [{resources}]",
          "safety.3=SAFETY3 [{resources}]");

  private TestPrompts() {}

  /** {@return prompts made of markers: {@code BASE}, {@code MODE <name>}, {@code CHILD <age>}…} */
  static SystemPrompts markers() {
    return SystemPrompts.load(write(MARKERS));
  }

  /** {@return a temporary UTF-8 file holding {@code text}, deleted when the JVM exits} */
  static Path write(String text) {
    try {
      Path file = Files.createTempFile("mia-prompts-", ".properties");
      file.toFile().deleteOnExit();
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
