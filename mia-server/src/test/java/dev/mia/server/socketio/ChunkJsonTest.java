package dev.mia.server.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written chunk JSON (both transports) is byte for byte what Jackson writes. */
class ChunkJsonTest {
  private final ObjectMapper jackson = new ObjectMapper();

  private String byJackson(WirePayloads.Chunk chunk) throws IOException {
    return new String(
        jackson.writeValueAsBytes(List.of("message_chunk", chunk)), StandardCharsets.UTF_8);
  }

  private static String byHand(WirePayloads.Chunk chunk) {
    ByteBuf out = Unpooled.buffer();
    assertTrue(ReplyJsonSupport.writeChunk(out, "message_chunk", chunk), "written by hand");
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyEscapedCharacterIsWrittenAsJacksonWritesIt() throws IOException {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029\uFFFF\uD83D\uDE00/\u007F");
    WirePayloads.Chunk chunk = new WirePayloads.Chunk("session_x", all.toString());

    assertEquals(byJackson(chunk), byHand(chunk));
  }

  @Test
  void generatedChunksAreWrittenAsJacksonWritesThem() throws IOException {
    Random random = new Random(20261122);
    for (int i = 0; i < 5_000; i++) {
      WirePayloads.Chunk chunk =
          new WirePayloads.Chunk("session_" + Integer.toString(i, 36), randomText(random));

      assertEquals(byJackson(chunk), byHand(chunk), "chunk " + i);
    }
  }

  @Test
  void aLoneSurrogateIsLeftToJacksonWithNothingWritten() {
    ByteBuf out = Unpooled.buffer().writeByte('x');

    boolean written =
        ReplyJsonSupport.writeChunk(
            out, "message_chunk", new WirePayloads.Chunk("session_x", "half \uD83D"));

    assertFalse(written);
    assertEquals("x", out.toString(StandardCharsets.UTF_8));
  }

  /** Mostly text as a model writes it, with quotes, escapes, accents, emoji and control bytes. */
  private static String randomText(Random random) {
    String[] pieces = {
      " the", " I", "'m", " here", ".", "\n", "\n\n", "\"", "\\", "\t", "é", "ü", "ß", "—", "…",
      "你好", "😀", "👍🏽", "\u0000", "\u001f", "\r", "\b", "\f", "/", "<b>", "&amp;", "\u2028"
    };
    StringBuilder text = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      text.append(pieces[random.nextInt(pieces.length)]);
    }
    return text.toString();
  }
}
