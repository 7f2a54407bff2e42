package dev.mia.server.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostLookupsTest {
  private final NioEventLoopGroup loops = new NioEventLoopGroup(1);
  private final ExecutorService threads = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    threads.shutdownNow();
  }

  private static Future<InetSocketAddress> resolve(HostLookups lookups, EventLoop loop, String host)
      throws Exception {
    return loop.submit(
            () -> lookups.getResolver(loop).resolve(InetSocketAddress.createUnresolved(host, 443)))
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aLookupThatHangsDoesNotHoldUpTheEventLoop() throws Exception {
    EventLoop loop = loops.next();
    CountDownLatch dnsAnswers = new CountDownLatch(1);
    CompletableFuture<Thread> lookedUpOn = new CompletableFuture<>();
    InetAddress address = InetAddress.getByAddress("model.example", new byte[] {10, 0, 0, 7});
    HostLookups lookups =
        new HostLookups(
            threads,
            host -> {
              lookedUpOn.complete(Thread.currentThread());
              try {
                dnsAnswers.await(); // a DNS server that takes its time
              } catch (InterruptedException e) {
                throw new UnknownHostException("interrupted");
              }
              return new InetAddress[] {address};
            });

    Future<InetSocketAddress> resolved = resolve(lookups, loop, "model.example");
    Thread loopThread = loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
    dnsAnswers.countDown();

    assertEquals(new InetSocketAddress(address, 443), resolved.get(5, TimeUnit.SECONDS));
    assertNotEquals(loopThread, lookedUpOn.get(5, TimeUnit.SECONDS));
  }

  @Test
  void anUnknownHostFailsTheResolution() throws Exception {
    EventLoop loop = loops.next();
    HostLookups lookups =
        new HostLookups(
            threads,
            host -> {
              throw new UnknownHostException(host);
            });

    Future<InetSocketAddress> resolved = resolve(lookups, loop, "nowhere.example");

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> resolved.get(5, TimeUnit.SECONDS));
    assertInstanceOf(UnknownHostException.class, failure.getCause());
  }
}
