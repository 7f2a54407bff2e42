package dev.mia.server.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One room event as it travels between servers: the sending server's id, the session, the event
 * name (each as {@link DataOutputStream#writeUTF}) and then the payload's JSON in UTF-8 to the end.
 * The payload is carried as the sender wrote it, never parsed on the way.
 *
 * @param origin the id of the server that sent it
 * @param sessionId the session whose room it is for
 * @param event the Socket.IO event name
 * @param payloadJson the payload, JSON
 */
record RoomMessage(String origin, String sessionId, String event, String payloadJson) {

  /** {@return the message's bytes} */
  byte[] encode() {
    byte[] payload = payloadJson.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(payload.length + origin.length() + sessionId.length() + 32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(origin);
      out.writeUTF(sessionId);
      out.writeUTF(event);
      out.write(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * {@return the message {@code bytes} hold}
   *
   * @throws IllegalArgumentException if they are not a message
   */
  static RoomMessage decode(byte[] bytes) {
    ByteArrayInputStream source = new ByteArrayInputStream(bytes);
    try (DataInputStream in = new DataInputStream(source)) {
      String origin = in.readUTF();
      String sessionId = in.readUTF();
      String event = in.readUTF();
      int at = bytes.length - source.available();
      return new RoomMessage(
          origin,
          sessionId,
          event,
          new String(bytes, at, bytes.length - at, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a room message: " + bytes.length + " bytes", e);
    }
  }
}
