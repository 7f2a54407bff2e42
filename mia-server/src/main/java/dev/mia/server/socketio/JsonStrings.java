package dev.mia.server.socketio;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes a JSON string as UTF-8 bytes exactly as Jackson's generator does with its default
 * settings: {@code "} and {@code \} escaped with a backslash, the control characters below U+0020
 * as {@code \b \t \n \f \r} or a backslash, {@code u00} and two upper-case hex digits, a character
 * beyond the Basic Multilingual Plane as its two surrogates escaped the same way (backslash, {@code
 * u}, four hex digits each), everything else as its UTF-8 bytes. Used for the text of each streamed
 * chunk, where creating a Jackson generator per event costs more than the writing. A lone
 * surrogate, which Jackson handles its own way, is left to Jackson: {@link #write} then reports
 * {@code false}.
 */
final class JsonStrings {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private JsonStrings() {}

  /**
   * Appends {@code "value"} to {@code out}; {@return false, with {@code out}'s writer index where
   * it was, if the value holds a lone surrogate}
   */
  static boolean write(ByteBuf out, String value) {
    int start = out.writerIndex();
    out.ensureWritable(value.length() + 2);
    out.writeByte('"');
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          out.writeByte(c);
        } else {
          escape(out, c);
        }
      } else if (c < 0x800) {
        out.writeByte(0xC0 | (c >> 6));
        out.writeByte(0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        out.writeByte(0xE0 | (c >> 12));
        out.writeByte(0x80 | ((c >> 6) & 0x3F));
        out.writeByte(0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        unicodeEscape(out, c);
        unicodeEscape(out, value.charAt(++i));
      } else {
        out.writerIndex(start);
        return false;
      }
    }
    out.writeByte('"');
    return true;
  }

  private static void escape(ByteBuf out, char c) {
    out.writeByte('\\');
    switch (c) {
      case '"' -> out.writeByte('"');
      case '\\' -> out.writeByte('\\');
      case '\b' -> out.writeByte('b');
      case '\t' -> out.writeByte('t');
      case '\n' -> out.writeByte('n');
      case '\f' -> out.writeByte('f');
      case '\r' -> out.writeByte('r');
      default -> {
        out.writeByte('u').writeByte('0').writeByte('0');
        out.writeByte(HEX[c >> 4]).writeByte(HEX[c & 0xF]);
      }
    }
  }

  private static void unicodeEscape(ByteBuf out, char c) {
    out.writeByte('\\').writeByte('u');
    out.writeByte(HEX[c >> 12]).writeByte(HEX[(c >> 8) & 0xF]);
    out.writeByte(HEX[(c >> 4) & 0xF]).writeByte(HEX[c & 0xF]);
  }
}
