package dev.mia.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The size of a client's audio, told from its base64 without decoding it. */
class RealtimeRelayTest {

  @Test
  void theDecodedLengthOfBase64IsItsBytes() {
    for (int bytes = 0; bytes < 10; bytes++) {
      String base64 = Base64.getEncoder().encodeToString(new byte[bytes]);
      assertEquals(bytes, RealtimeRelay.decodedLength(base64), base64);
    }
  }

  @Test
  void whatIsNotBase64HasNoLength() {
    assertEquals(-1, RealtimeRelay.decodedLength("abc"));
    assertEquals(-1, RealtimeRelay.decodedLength("ab=c"));
    assertEquals(-1, RealtimeRelay.decodedLength("a==="));
    assertEquals(-1, RealtimeRelay.decodedLength("ab c"));
    assertEquals(-1, RealtimeRelay.decodedLength("ab-_"));
  }
}
