package dev.mia.server.compat;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;

/**
 * netty-socketio's packet encoder without its polling data loss. A long-poll response carries at
 * most 50 packets; the library's loop takes a 51st packet off the client's queue before it notices
 * the limit and then drops it, so a polling client that falls 50 packets behind (a fast reply, a
 * burst of errors) silently loses a chunk, an error or an acknowledgement. Here the loop sees a
 * queue that is empty after the limit, and the rest waits for the next poll.
 */
public final class LosslessPacketEncoder extends PacketEncoder {

  private LosslessPacketEncoder(Configuration configuration) {
    super(configuration, configuration.getJsonSupport());
  }

  /** {@return netty-socketio's encoder handler, writing with this encoder} */
  public static EncoderHandler handler(Configuration configuration) {
    try {
      return new EncoderHandler(configuration, new LosslessPacketEncoder(configuration));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the Socket.IO encoder", e);
    }
  }

  @Override
  public void encodePackets(
      Queue<Packet> packets, ByteBuf buffer, ByteBufAllocator allocator, int limit)
      throws IOException {
    super.encodePackets(new FirstOnly(packets, limit), buffer, allocator, limit);
  }

  @Override
  public void encodeJsonP(
      Integer jsonpIndex, Queue<Packet> packets, ByteBuf out, ByteBufAllocator allocator, int limit)
      throws IOException {
    super.encodeJsonP(jsonpIndex, new FirstOnly(packets, limit), out, allocator, limit);
  }

  /** The first {@code limit} packets {@link #poll} takes from a queue; then it looks empty. */
  private static final class FirstOnly extends AbstractQueue<Packet> {
    private final Queue<Packet> queue;
    private int left;

    FirstOnly(Queue<Packet> queue, int limit) {
      this.queue = queue;
      this.left = limit;
    }

    @Override
    public Packet poll() {
      if (left <= 0) {
        return null;
      }
      Packet packet = queue.poll();
      if (packet != null) {
        left--;
      }
      return packet;
    }

    @Override
    public Packet peek() {
      return left <= 0 ? null : queue.peek();
    }

    @Override
    public boolean offer(Packet packet) {
      throw new UnsupportedOperationException("read only");
    }

    @Override
    public Iterator<Packet> iterator() {
      throw new UnsupportedOperationException("poll only");
    }

    @Override
    public int size() {
      return left <= 0 ? 0 : Math.min(left, queue.size());
    }
  }
}
