package dev.mia.core.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseLinesTest {
  private final SseLines lines = new SseLines();
  private final List<String> seen = new ArrayList<>();

  private void feed(String text) {
    lines.feed(
        ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
        (bytes, offset, length) ->
            seen.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
  }

  @Test
  void splitsAtLineFeeds() {
    feed("data: a\n\ndata: b\n");

    assertEquals(List.of("data: a", "", "data: b"), seen);
  }

  @Test
  void dropsTheCarriageReturnOfCrLf() {
    feed("data: a\r\n\r\n");

    assertEquals(List.of("data: a", ""), seen);
  }

  @Test
  void keepsALineSplitAcrossBuffersUntilItEnds() {
    feed("data: {\"content\":\"hel");
    feed("lo ");
    feed("wörld\"}\ndata: [DONE]");

    assertEquals(List.of("data: {\"content\":\"hello wörld\"}"), seen);
  }

  @Test
  void keepsAMultiByteCharacterSplitAcrossBuffers() {
    byte[] bytes = "data: é\n".getBytes(StandardCharsets.UTF_8);
    lines.feed(ByteBuffer.wrap(bytes, 0, 7), (b, o, l) -> seen.add("early"));
    lines.feed(
        ByteBuffer.wrap(bytes, 7, bytes.length - 7),
        (b, o, l) -> seen.add(new String(b, o, l, StandardCharsets.UTF_8)));

    assertEquals(List.of("data: é"), seen);
  }

  @Test
  void longLinesGrowTheBuffer() {
    String big = "x".repeat(10_000);
    feed("data: " + big.substring(0, 5000));
    feed(big.substring(5000) + "\n");

    assertEquals(List.of("data: " + big), seen);
  }

  @Test
  void directBuffersOfAnySizeGiveTheSameLinesAsArrays() {
    String stream =
        "data: one\n\ndata: " + "y".repeat(3000) + "\n\ndata: two\r\n" + "data: " + "z".repeat(700);
    byte[] bytes = (stream + "\n").getBytes(StandardCharsets.UTF_8);
    int[] sizes = {5, 900, 1, 2600, 40, 4000};

    for (int at = 0, i = 0; at < bytes.length; i++) {
      int n = Math.min(sizes[i % sizes.length], bytes.length - at);
      ByteBuffer direct = ByteBuffer.allocateDirect(n).put(bytes, at, n).flip();
      lines.feed(direct, (b, o, l) -> seen.add(new String(b, o, l, StandardCharsets.UTF_8)));
      at += n;
    }

    assertEquals(
        List.of(
            "data: one",
            "",
            "data: " + "y".repeat(3000),
            "",
            "data: two",
            "data: " + "z".repeat(700)),
        seen);
  }
}
