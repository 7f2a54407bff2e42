package dev.mia.core.model.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the reply text of one streamed {@code chat.completion.chunk}: the {@code
 * choices[*].delta.content} strings of a JSON object given as UTF-8 bytes, joined. A reply arrives
 * as one such object per token, so this walks the bytes once, skipping every other member without
 * building anything, and makes no object but the text; a general JSON parser costs a parser, its
 * buffers and a name lookup per member for every token. Malformed JSON (unbalanced brackets,
 * unterminated or control characters in strings, bad escapes) is an {@link IOException}. Not
 * thread-safe: one instance per call.
 */
final class DeltaText {
  private static final byte[] CHOICES = ascii("choices");
  private static final byte[] DELTA = ascii("delta");
  private static final byte[] CONTENT = ascii("content");

  private final byte[] in;
  private final int end;
  private int at;
  private StringBuilder text;
  private String only;

  private DeltaText(byte[] in, int offset, int length) {
    this.in = in;
    this.at = offset;
    this.end = offset + length;
  }

  /** {@return the joined {@code choices[*].delta.content} of the object, empty if none} */
  static String of(byte[] bytes, int offset, int length) throws IOException {
    DeltaText reader = new DeltaText(bytes, offset, length);
    reader.document();
    return reader.result();
  }

  private String result() {
    if (text != null) {
      return text.toString();
    }
    return only == null ? "" : only;
  }

  private void document() throws IOException {
    value(Level.TOP, 0);
    if (skipWhitespace() != end) {
      throw malformed("content after the JSON value");
    }
  }

  /** Where a value sits, which decides what of it is reply text. */
  private enum Level {
    /** The chunk object: its {@code choices} array matters. */
    TOP,
    /** An element of {@code choices}: if an object, its {@code delta} object matters. */
    CHOICE,
    /** A delta: its {@code content} string is reply text. */
    DELTA,
    /** Anything else: read only to be skipped. */
    ELSEWHERE
  }

  /**
   * Reads the value at {@code at}, whose parts matter according to {@code level}; nesting deeper
   * than 512 is refused rather than recursed into.
   */
  private void value(Level level, int depth) throws IOException {
    if (depth > 512) {
      throw malformed("nested too deeply");
    }
    switch (peek()) {
      case '"' -> skipString();
      case '{' -> members(level, depth);
      case '[' -> elements(Level.ELSEWHERE, depth);
      default -> skipScalar();
    }
  }

  /** Reads the object at {@code at}, whose members matter according to {@code level}. */
  private void members(Level level, int depth) throws IOException {
    at++; // '{'
    if (peek() == '}') {
      at++;
      return;
    }
    while (true) {
      if (peek() != '"') {
        throw malformed("expected a member name");
      }
      int nameStart = at + 1;
      int nameEnd = skipString();
      if (peek() != ':') {
        throw malformed("expected ':'");
      }
      at++;
      byte next = peek();
      if (level == Level.TOP && next == '[' && nameIs(nameStart, nameEnd, CHOICES)) {
        elements(Level.CHOICE, depth + 1);
      } else if (level == Level.CHOICE && next == '{' && nameIs(nameStart, nameEnd, DELTA)) {
        value(Level.DELTA, depth + 1);
      } else if (level == Level.DELTA && next == '"' && nameIs(nameStart, nameEnd, CONTENT)) {
        append(readString());
      } else {
        value(Level.ELSEWHERE, depth + 1);
      }
      if (!another('}')) {
        return;
      }
    }
  }

  /** Reads the array at {@code at}; each element is a value at {@code level}. */
  private void elements(Level level, int depth) throws IOException {
    at++; // '['
    if (peek() == ']') {
      at++;
      return;
    }
    do {
      value(level, depth + 1);
    } while (another(']'));
  }

  /**
   * After a member or an element: {@return true past a comma, false past {@code close}}
   *
   * @throws IOException if neither follows
   */
  private boolean another(char close) throws IOException {
    byte after = peek();
    at++;
    if (after == ',') {
      return true;
    }
    if (after != close) {
      throw malformed("expected ',' or '" + close + "'");
    }
    return false;
  }

  private void append(String piece) {
    if (piece.isEmpty()) {
      return;
    }
    if (only == null && text == null) {
      only = piece;
    } else {
      if (text == null) {
        text = new StringBuilder(only);
        only = null;
      }
      text.append(piece);
    }
  }

  /** Numbers, {@code true}, {@code false}, {@code null}: checked by their characters only. */
  private void skipScalar() throws IOException {
    int start = at;
    while (at < end) {
      byte c = in[at];
      boolean numberOrWord =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'z')
              || c == '-'
              || c == '+'
              || c == '.'
              || c == 'E';
      if (!numberOrWord) {
        break;
      }
      at++;
    }
    if (at == start) {
      throw malformed(at < end ? "unexpected character" : "unexpected end");
    }
    byte first = in[start];
    if (first >= 'a' && first <= 'z' && !isLiteral(start, at)) {
      throw malformed("unknown literal");
    }
  }

  private boolean isLiteral(int from, int to) {
    return named(from, to, TRUE) || named(from, to, FALSE) || named(from, to, NULL);
  }

  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] NULL = ascii("null");

  /**
   * Skips the string at {@code at} (its opening quote), checking its escapes. {@return the index of
   * its closing quote}
   */
  private int skipString() throws IOException {
    int i = at + 1;
    while (i < end) {
      byte c = in[i];
      if (c == '"') {
        at = i + 1;
        return i;
      }
      if (c == '\\') {
        i += escapeLength(i);
        continue;
      }
      if (c >= 0 && c < 0x20) {
        throw malformed("control character in a string");
      }
      i++;
    }
    throw malformed("unterminated string");
  }

  /** Reads the string at {@code at} (its opening quote) into a Java string. */
  private String readString() throws IOException {
    int start = at + 1;
    int close = skipString();
    int firstEscape = -1;
    for (int i = start; i < close; i++) {
      if (in[i] == '\\') {
        firstEscape = i;
        break;
      }
    }
    if (firstEscape < 0) {
      return new String(in, start, close - start, StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder(close - start);
    int plain = start;
    int i = firstEscape;
    while (i < close) {
      if (in[i] != '\\') {
        i++;
        continue;
      }
      out.append(new String(in, plain, i - plain, StandardCharsets.UTF_8));
      byte kind = in[i + 1];
      switch (kind) {
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case '/' -> out.append('/');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        default -> out.append((char) hex4(i + 2)); // 'u', checked by skipString
      }
      i += escapeLength(i);
      plain = i;
    }
    out.append(new String(in, plain, close - plain, StandardCharsets.UTF_8));
    return out.toString();
  }

  /** {@return the length of the escape starting at the backslash at {@code i}} */
  private int escapeLength(int i) throws IOException {
    if (i + 1 >= end) {
      throw malformed("unterminated escape");
    }
    byte kind = in[i + 1];
    switch (kind) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return 2;
      }
      case 'u' -> {
        if (i + 6 > end) {
          throw malformed("unterminated escape");
        }
        hex4(i + 2);
        return 6;
      }
      default -> throw malformed("unknown escape");
    }
  }

  private int hex4(int from) throws IOException {
    int value = 0;
    for (int k = from; k < from + 4; k++) {
      int digit = Character.digit(in[k], 16);
      if (digit < 0) {
        throw malformed("bad \\u escape");
      }
      value = value * 16 + digit;
    }
    return value;
  }

  /**
   * Whether the member name between the quotes at {@code from - 1} and {@code to} is {@code name}.
   */
  private boolean nameIs(int from, int to, byte[] name) throws IOException {
    for (int k = from; k < to; k++) {
      if (in[k] == '\\') {
        // Escaped names are legal JSON, if unusual: compare the decoded name.
        int saved = at;
        at = from - 1;
        String decoded = readString();
        at = saved;
        return decoded.equals(new String(name, StandardCharsets.US_ASCII));
      }
    }
    return named(from, to, name);
  }

  private boolean named(int from, int to, byte[] name) {
    if (to - from != name.length) {
      return false;
    }
    for (int k = 0; k < name.length; k++) {
      if (in[from + k] != name[k]) {
        return false;
      }
    }
    return true;
  }

  /** Moves past whitespace; {@return the byte there} (fails at the end of the input). */
  private byte peek() throws IOException {
    if (skipWhitespace() >= end) {
      throw malformed("unexpected end");
    }
    return in[at];
  }

  private int skipWhitespace() {
    while (at < end) {
      byte c = in[at];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      at++;
    }
    return at;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private IOException malformed(String what) {
    return new IOException("malformed chat completion chunk: " + what);
  }
}
