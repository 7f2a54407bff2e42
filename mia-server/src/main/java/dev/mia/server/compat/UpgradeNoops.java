package dev.mia.server.compat;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Lets a client that is upgrading from long-polling to WebSocket finish the upgrade. The client
 * sends its upgrade packet only once its current long-poll has ended, and netty-socketio ends it
 * with a single noop when the WebSocket probe arrives. The noop and the probe's answer travel on
 * two connections, so the noop can reach the client first: the client then polls again, learns of
 * the probe's answer, waits for that new poll to end, and nothing ends it until the upgrade timeout
 * drops the whole connection (seen in headless Chromium's first connection, a few runs in a
 * hundred). Node's Engine.IO keeps answering polls with a noop while an upgrade is under way; so do
 * we: after a probe, every {@link #INTERVAL} while the session is still on polling, a pending poll
 * gets a noop. It stops at the upgrade, when the WebSocket closes, or at the upgrade timeout.
 */
@ChannelHandler.Sharable
public final class UpgradeNoops extends ChannelInboundHandlerAdapter {
  static final Duration INTERVAL = Duration.ofMillis(100);
  private static final byte[] PROBE = "2probe".getBytes(StandardCharsets.US_ASCII);

  private final PendingPolls pendingPolls;
  private final long maxChecks;

  /**
   * Noops for the polls that {@code pendingPolls} tracks, for up to {@code upgradeTimeout} after a
   * probe.
   */
  public UpgradeNoops(PendingPolls pendingPolls, Duration upgradeTimeout) {
    this.pendingPolls = pendingPolls;
    this.maxChecks = Math.max(1, upgradeTimeout.toMillis() / INTERVAL.toMillis());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PacketsMessage packets
        && packets.getTransport() == Transport.WEBSOCKET
        && isProbe(packets.getContent())
        && packets.getClient().getCurrentTransport() == Transport.POLLING) {
      schedule(ctx.channel(), packets.getClient(), 1);
    }
    ctx.fireChannelRead(msg);
  }

  private void schedule(Channel webSocket, ClientHead client, long check) {
    webSocket
        .eventLoop()
        .schedule(
            () -> check(webSocket, client, check), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check(Channel webSocket, ClientHead client, long check) {
    if (!webSocket.isActive() || client.getCurrentTransport() != Transport.POLLING) {
      return;
    }
    Optional<Channel> poll = pendingPolls.pendingGet(client.getSessionId().toString());
    // Only a poll that has not been answered yet: a noop queued with nothing waiting would reach
    // the client later anyway, but for nothing.
    if (poll.isPresent()
        && poll.get().isActive()
        && poll.get().attr(EncoderHandler.WRITE_ONCE).get() == null) {
      client.send(new Packet(PacketType.NOOP, client.getEngineIOVersion()), Transport.POLLING);
    }
    if (check < maxChecks) {
      schedule(webSocket, client, check + 1);
    }
  }

  private static boolean isProbe(ByteBuf content) {
    if (content.readableBytes() != PROBE.length) {
      return false;
    }
    int at = content.readerIndex();
    for (int i = 0; i < PROBE.length; i++) {
      if (content.getByte(at + i) != PROBE[i]) {
        return false;
      }
    }
    return true;
  }
}
