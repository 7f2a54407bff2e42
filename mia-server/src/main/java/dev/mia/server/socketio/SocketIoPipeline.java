package dev.mia.server.socketio;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import dev.mia.server.compat.ConnectPacketAuth;
import dev.mia.server.compat.FirstDataTimeout;
import dev.mia.server.compat.LosslessPacketEncoder;
import dev.mia.server.compat.PendingPolls;
import dev.mia.server.compat.PollHandOver;
import dev.mia.server.compat.PollingConnectionClose;
import dev.mia.server.compat.UpgradeNoops;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import java.util.Optional;

/**
 * Each connection's pipeline: netty-socketio's handlers, the REST routes and the plain-WebSocket
 * endpoints in front of them, the library's fixes ({@link dev.mia.server.compat}) where they act,
 * the gate that holds a CONNECT packet until the connection is admitted, and the tracking of
 * WebSocket channels for direct reply frames.
 */
final class SocketIoPipeline extends SocketIOChannelInitializer {
  private final ChannelHandler httpRoutes;
  private final Optional<ChannelHandler> plainWebSockets;
  private final WebSocketChannels webSockets;
  private final PendingPolls pendingPolls = new PendingPolls();
  private final PollingConnectionClose connectionClose = new PollingConnectionClose();
  private final PollHandOver pollHandOver = new PollHandOver();
  private final ConnectPacketAuth connectAuth = new ConnectPacketAuth();
  private final AdmissionGate admissionGate;
  private UpgradeNoops upgradeNoops;
  private EncoderHandler encoder;
  private FirstDataTimeout firstData;

  SocketIoPipeline(
      ChannelHandler httpRoutes,
      Optional<ChannelHandler> plainWebSockets,
      WebSocketChannels webSockets,
      AdmissionGate admissionGate) {
    this.httpRoutes = httpRoutes;
    this.plainWebSockets = plainWebSockets;
    this.webSockets = webSockets;
    this.admissionGate = admissionGate;
  }

  @Override
  public void start(Configuration configuration, NamespacesHub namespacesHub) {
    super.start(configuration, namespacesHub);
    encoder = LosslessPacketEncoder.handler(configuration);
    firstData = FirstDataTimeout.of(this);
    upgradeNoops =
        new UpgradeNoops(pendingPolls, Duration.ofMillis(configuration.getUpgradeTimeout()));
  }

  @Override
  protected void addSocketioHandlers(ChannelPipeline pipeline) {
    super.addSocketioHandlers(pipeline);
    // First: netty-socketio fires decoded WebSocket packets from the pipeline's head.
    pipeline.addFirst("miaWebSocketChannels", webSockets);
    pipeline.addAfter("miaWebSocketChannels", "miaUpgradeNoops", upgradeNoops);
    pipeline.replace(SOCKETIO_ENCODER, SOCKETIO_ENCODER, encoder);
    // Behind the HTTP encoder, the REST routes answer what is not Socket.IO; their responses do
    // not pass the polling fixes that follow them.
    pipeline.addAfter(HTTP_ENCODER, "miaHttpRoutes", httpRoutes);
    // In front of the routes: an upgrade to a plain-WebSocket endpoint leaves Socket.IO here.
    plainWebSockets.ifPresent(
        router -> pipeline.addBefore("miaHttpRoutes", "miaPlainWebSockets", router));
    pipeline.addAfter("miaHttpRoutes", "miaPendingPolls", pendingPolls);
    // In front of them both: the first request, whoever answers it, ends the first-data timer.
    pipeline.addAfter(HTTP_ENCODER, "miaFirstDataTimeout", firstData);
    pipeline.addAfter("miaPendingPolls", "miaPollingConnectionClose", connectionClose);
    pipeline.addAfter("miaPollingConnectionClose", "miaConnectPacketAuth", connectAuth);
    // Right behind it: a CONNECT packet, now with its auth, waits here for the admission decision.
    pipeline.addAfter("miaConnectPacketAuth", "miaAdmissionGate", admissionGate);
    // Right in front of the polling transport, where a poll binds and a closed one unbinds.
    pipeline.addBefore(XHR_POLLING_TRANSPORT, "miaPollHandOver", pollHandOver);
  }
}
