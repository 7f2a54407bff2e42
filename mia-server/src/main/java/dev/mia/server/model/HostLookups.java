package dev.mia.server.model;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Host-name lookups for a Netty client, run on threads of their own. The JDK's lookup blocks for as
 * long as DNS takes, and Netty's default resolver runs it on the event loop that connects: with the
 * model's connections on the Socket.IO I/O threads, a slow DNS answer (the JDK re-asks every 30
 * seconds) would hold up every conversation on that thread. The answer comes back to the connecting
 * loop, as with Netty's own resolvers.
 */
final class HostLookups extends AddressResolverGroup<InetSocketAddress> {
  /** A blocking lookup of every address of a host. */
  interface Lookup {
    InetAddress[] allByName(String host) throws UnknownHostException;
  }

  private final Executor threads;
  private final Lookup lookup;

  /** Lookups through the JDK's resolver, on {@code threads}. */
  HostLookups(Executor threads) {
    this(threads, InetAddress::getAllByName);
  }

  HostLookups(Executor threads, Lookup lookup) {
    this.threads = threads;
    this.lookup = lookup;
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor loop) {
    return new InetNameResolver(loop) {
      @Override
      protected void doResolve(String host, Promise<InetAddress> promise) {
        off(promise, () -> lookup.allByName(host)[0]);
      }

      @Override
      protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
        off(promise, () -> Arrays.asList(lookup.allByName(host)));
      }
    }.asAddressResolver();
  }

  private interface Answer<T> {
    T get() throws UnknownHostException;
  }

  private <T> void off(Promise<T> promise, Answer<T> answer) {
    try {
      threads.execute(
          () -> {
            try {
              promise.trySuccess(answer.get());
            } catch (UnknownHostException | RuntimeException e) {
              promise.tryFailure(e);
            }
          });
    } catch (RejectedExecutionException e) {
      promise.tryFailure(e); // closing
    }
  }
}
