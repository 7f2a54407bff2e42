package dev.mia.server.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A CONNECT packet waits for its connection's admission; nothing on its channel overtakes it. */
class AdmissionGateTest {
  private final List<Optional<String>> asked = new ArrayList<>();
  private CompletableFuture<Void> decision = new CompletableFuture<>();
  private final List<String> passed = new ArrayList<>();

  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new AdmissionGate(
              (client, token) -> {
                asked.add(token);
                return decision;
              }),
          new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              ByteBuf content = ((PacketsMessage) msg).getContent();
              passed.add(content.toString(StandardCharsets.UTF_8));
            }
          });

  /** Fires a packet as a transport does: its content is freed once the read returns. */
  private void read(String packet) {
    ByteBuf content = Unpooled.copiedBuffer(packet, StandardCharsets.UTF_8);
    channel.writeInbound(new PacketsMessage(null, content, Transport.WEBSOCKET));
    content.release();
  }

  @Test
  void aConnectPacketWaitsForTheDecisionAndWhatFollowsWaitsBehindIt() {
    read("40{\"token\":\"t-1\"}");
    read("42[\"message\",{}]");
    channel.runPendingTasks();
    assertEquals(List.of(), passed);

    decision.complete(null);
    channel.runPendingTasks();

    assertEquals(List.of("40{\"token\":\"t-1\"}", "42[\"message\",{}]"), passed);
    assertEquals(List.of(Optional.of("t-1")), asked);
  }

  @Test
  void aDecisionMadeAtOncePassesThePacketOnAtOnce() {
    decision = CompletableFuture.completedFuture(null);

    read("40{}");

    assertEquals(List.of("40{}"), passed);
    assertEquals(List.of(Optional.empty()), asked);
  }

  @Test
  void packetsThatAreNotAConnectToTheDefaultNamespaceAreNotHeld() {
    read("42[\"message\",{}]");
    read("40/admin,{}");

    assertEquals(List.of("42[\"message\",{}]", "40/admin,{}"), passed);
    assertEquals(List.of(), asked);
  }

  @Test
  void onlyTheFirstPacketOfAPollingBatchIsReadForTheToken() {
    decision = CompletableFuture.completedFuture(null);

    read("40{\"token\":\"t-2\"}\u001e42[\"message\",{\"token\":\"not-this\"}]");

    assertEquals(List.of(Optional.of("t-2")), asked);
  }

  @Test
  void anUnreadableAuthObjectIsNoTokenAndIsLeftToTheLibrary() {
    decision = CompletableFuture.completedFuture(null);

    read("40{\"token\":");

    assertEquals(List.of(Optional.empty()), asked);
    assertEquals(List.of("40{\"token\":"), passed);
    assertFalse(channel.finish(), "nothing left in the channel");
  }
}
