package dev.mia.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a free loopback port to a real server (PostgreSQL, Redis), for tests that need
 * that server to become unreachable and come back while the server under test runs: {@link #cut()}
 * drops every connection through it and turns new ones away, as a network partition or a stopped
 * database would; {@link #restore()} lets connections through again. The bytes are the real
 * server's; nothing is interpreted.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listening;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(ServerSocket listening, InetSocketAddress target) {
    this.listening = listening;
    this.target = target;
  }

  /** {@return a started proxy to {@code host:port}} */
  public static TcpProxy to(String host, int port) {
    try {
      ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      TcpProxy proxy = new TcpProxy(listening, new InetSocketAddress(host, port));
      daemon("proxy-accept-" + listening.getLocalPort(), proxy::accept).start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return the port the proxy listens on, on the loopback address} */
  public int port() {
    return listening.getLocalPort();
  }

  /** Drops every connection through the proxy and turns new ones away until {@link #restore}. */
  public void cut() {
    cut = true;
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  /** Lets new connections through again. */
  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    cut();
    closeQuietly(listening);
  }

  private void accept() {
    while (!listening.isClosed()) {
      Socket client;
      try {
        client = listening.accept();
      } catch (IOException closed) {
        return;
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(target, 5_000);
        open.add(client);
        open.add(server);
        if (cut) { // cut while this one was connecting
          closeQuietly(client);
          closeQuietly(server);
          open.remove(client);
          open.remove(server);
          continue;
        }
        daemon("proxy-up", () -> pump(client, server)).start();
        daemon("proxy-down", () -> pump(server, client)).start();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException endOfConnection) {
      // one side closed or was cut: the other goes too
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // already closed
    }
  }
}
