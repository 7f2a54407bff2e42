package dev.mia.server.compat;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.ack.AckManager;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.scheduler.HashedWheelTimeoutScheduler;
import com.corundumstudio.socketio.store.MemoryStoreFactory;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One Engine.IO 4 session of netty-socketio's own, on long-polling, made as the library's handshake
 * makes one: for the tests that need a real {@link ClientHead} (its packet queues, its channels,
 * its transport). {@link #close()} it: the library's scheduler holds a timer that Netty reports as
 * a leak, at ERROR, if it is collected without being stopped.
 */
final class LibrarySession implements AutoCloseable {
  /** The handshake's query: Engine.IO 4, polling. */
  private static final Map<String, List<String>> PARAMETERS =
      Map.of("EIO", List.of("4"), "transport", List.of("polling"));

  /** The library's configuration these tests use: its defaults, Jackson, no version header. */
  final Configuration configuration;

  /** The session. */
  final ClientHead client;

  private final HashedWheelTimeoutScheduler scheduler = new HashedWheelTimeoutScheduler();

  LibrarySession() {
    configuration = new Configuration();
    configuration.setJsonSupport(new JacksonJsonSupport());
    configuration.setAddVersionHeader(false);
    client =
        new ClientHead(
            UUID.randomUUID(),
            new AckManager(scheduler),
            null, // joins no namespace, so never disconnects from one
            new MemoryStoreFactory(),
            // with headers: each packet message the library writes reads the Origin from them
            new HandshakeData(
                new DefaultHttpHeaders(),
                PARAMETERS,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000),
                Http.POLLING,
                false),
            new ClientsBox(),
            Transport.POLLING,
            scheduler,
            configuration,
            PARAMETERS);
  }

  /** {@return the session id as a client sends it} */
  String sid() {
    return client.getSessionId().toString();
  }

  /** {@return the packets waiting for the session's next long-poll, in order} */
  List<Packet> queuedForPolling() {
    return List.copyOf(client.getPacketsQueue(Transport.POLLING));
  }

  @Override
  public void close() {
    scheduler.shutdown();
  }
}
