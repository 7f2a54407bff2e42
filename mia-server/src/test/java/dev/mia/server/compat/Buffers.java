package dev.mia.server.compat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** Buffers of text, for the handler tests of this package. */
final class Buffers {
  private Buffers() {}

  /** {@return a new buffer holding {@code text} in UTF-8; the caller releases it} */
  static ByteBuf utf8(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  /**
   * {@return the readable bytes of {@code buffer} read as UTF-8, leaving its indexes as they were}
   */
  static String text(ByteBuf buffer) {
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
