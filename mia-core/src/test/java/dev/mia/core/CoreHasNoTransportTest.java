package dev.mia.core;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine must stay embeddable: no Netty and no Socket.IO on mia-core's classpath. */
class CoreHasNoTransportTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "io.netty.channel.Channel",
        "com.corundumstudio.socketio.SocketIOServer",
        "io.socket.client.Socket"
      })
  void transportClassIsNotOnTheClasspath(String className) {
    assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
  }
}
