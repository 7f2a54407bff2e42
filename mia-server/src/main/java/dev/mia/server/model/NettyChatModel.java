package dev.mia.server.model;

import dev.mia.core.model.ChatModel;
import dev.mia.core.model.ModelFailure;
import dev.mia.core.model.ModelListener;
import dev.mia.core.model.ModelRequest;
import dev.mia.core.model.ReplyStream;
import dev.mia.core.model.openai.ChatCompletionEvents;
import dev.mia.core.model.openai.ChatCompletionRequests;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * A {@link ChatModel} on Netty: streams OpenAI chat completions over kept-alive connections,
 * reading each event as bytes on the connection's I/O thread. A stream started on a Netty event
 * loop (the Socket.IO thread that received the message) gets its connection on that same loop, so
 * its pieces are read and relayed to the client's socket on one thread with no hand-off at all; a
 * stream started elsewhere uses the client's own small event-loop group. No thread waits on a
 * stream, which makes it the cheapest client per token for a server carrying thousands of
 * conversations; the endpoint's host name is looked up on a thread of its own ({@link
 * HostLookups}), never on an event loop. Sends exactly what the other clients send (model,
 * temperature, system prompt, history, new message). A request that fails before its first piece
 * (connection error, HTTP 408, 409, 429, 5xx) is retried with back-off. Thread-safe; close it at
 * shutdown.
 */
public final class NettyChatModel implements ChatModel {
  private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("mia.exchange");

  private final EventLoopGroup group;
  // Host-name lookups block: never on an event loop. Idle threads end.
  private final ThreadPoolExecutor lookups;
  private final HostLookups resolver;
  // One pool per I/O thread: a shared pool hands its most recently released connection out first,
  // which piles the busy streams onto one thread.
  private final Map<EventLoop, SimpleChannelPool> pools = new ConcurrentHashMap<>();
  private final Bootstrap bootstrap;
  private final AbstractChannelPoolHandler setup;
  private final String host;
  private final String path;
  private final String authorization;
  private final String model;
  private final double temperature;
  private final int maxRetries;

  /**
   * A client for the endpoint at {@code baseUrl}; {@code threads} I/O threads of its own serve the
   * streams started off any Netty event loop.
   */
  public NettyChatModel(
      String baseUrl,
      String apiKey,
      String model,
      double temperature,
      int maxRetries,
      Duration connectTimeout,
      int threads) {
    URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    boolean tls = "https".equals(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    this.host = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    this.path = uri.getRawPath() + "chat/completions";
    this.authorization = "Bearer " + apiKey;
    this.model = model;
    this.temperature = temperature;
    this.maxRetries = maxRetries;
    this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("mia-model-io", true));
    this.lookups =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("mia-model-lookup", true));
    lookups.allowCoreThreadTimeOut(true);
    this.resolver = new HostLookups(lookups);
    SslContext ssl = tls ? clientTls() : null;
    this.bootstrap =
        new Bootstrap()
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .resolver(resolver)
            .remoteAddress(InetSocketAddress.createUnresolved(uri.getHost(), port));
    this.setup =
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel channel) {
            if (ssl != null) {
              channel.pipeline().addLast(ssl.newHandler(channel.alloc(), uri.getHost(), port));
            }
            channel.pipeline().addLast(new HttpClientCodec(), new ResponseReader());
          }
        };
  }

  private static SslContext clientTls() {
    try {
      // Netty 4.1 checks the certificate chain but not, unless asked, that it names the host.
      return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS for the model endpoint", e);
    }
  }

  @Override
  public ReplyStream stream(ModelRequest request, ModelListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    Exchange exchange =
        new Exchange(listener, ChatCompletionRequests.json(request, model, temperature));
    exchange.attempt(0);
    return exchange::cancel;
  }

  @Override
  public void close() {
    pools.values().forEach(SimpleChannelPool::close);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    resolver.close();
    lookups.shutdownNow();
  }

  @Override
  public String toString() {
    return "NettyChatModel[host=" + host + ", model=" + model + "]";
  }

  /**
   * The calling thread's event loop if it is a Netty NIO or native epoll loop, else the next of the
   * own group.
   */
  private static EventLoop loopForNewStream(EventLoopGroup own) {
    EventExecutor current = ThreadExecutorMap.currentExecutor();
    if (current instanceof NioEventLoop || current instanceof EpollEventLoop) {
      return (EventLoop) current;
    }
    return own.next();
  }

  private SimpleChannelPool pool(EventLoop loop) {
    return pools.computeIfAbsent(
        loop,
        l ->
            new SimpleChannelPool(
                bootstrap
                    .clone(l)
                    .channel(
                        l instanceof EpollEventLoop
                            ? EpollSocketChannel.class
                            : NioSocketChannel.class),
                setup,
                ChannelHealthChecker.ACTIVE));
  }

  private static boolean retryable(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** One reply: its attempts, and the response as it arrives on the connection's I/O thread. */
  private final class Exchange implements ChatCompletionEvents.Handler {
    private final ModelListener listener;
    private final byte[] body;
    private final AtomicBoolean finished = new AtomicBoolean();
    // The fields below are touched only on the current connection's I/O thread.
    private ChatCompletionEvents events;
    private int status;
    private boolean delivered;
    private int attempt;
    // Every attempt uses this loop's pool: the one the stream started on.
    private volatile EventLoop loop;
    private volatile Channel channel;
    private volatile SimpleChannelPool pool;

    Exchange(ModelListener listener, byte[] body) {
      this.listener = listener;
      this.body = body;
    }

    void attempt(int attempt) {
      if (finished.get()) {
        return;
      }
      this.attempt = attempt;
      if (loop == null) {
        loop = loopForNewStream(group);
      }
      SimpleChannelPool pool = pool(loop);
      this.pool = pool;
      pool.acquire()
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  failedBeforeFirstByte(
                      "model endpoint unreachable: " + f.cause().getClass().getSimpleName(), true);
                  return;
                }
                Channel ch = (Channel) f.getNow();
                if (finished.get()) {
                  pool.release(ch);
                  return;
                }
                channel = ch;
                events = new ChatCompletionEvents(this);
                status = 0;
                ch.attr(EXCHANGE).set(this);
                FullHttpRequest request =
                    new DefaultFullHttpRequest(
                        HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(body));
                request
                    .headers()
                    .set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.AUTHORIZATION, authorization)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                HttpUtil.setContentLength(request, body.length);
                ch.writeAndFlush(request)
                    .addListener(
                        w -> {
                          if (!w.isSuccess()) {
                            detach(ch, false);
                            failedBeforeFirstByte("model request could not be sent", true);
                          }
                        });
              });
    }

    /** A response object for this exchange, on the connection's I/O thread. */
    void read(Channel ch, HttpObject object) throws IOException {
      if (object instanceof HttpResponse response) {
        status = response.status().code();
      }
      if (object instanceof HttpContent content && status == 200 && !finished.get()) {
        try {
          events.feed(content.content().nioBuffer());
        } catch (IOException e) {
          detach(ch, false);
          end(new ModelFailure(ModelFailure.Kind.BROKEN_STREAM, "unreadable event from the model"));
          return;
        }
      }
      if (object instanceof LastHttpContent) {
        boolean reusable = true;
        detach(ch, reusable);
        if (status == 200) {
          // Some compatible servers end the body without [DONE]; what arrived is the reply.
          if (finished.compareAndSet(false, true)) {
            listener.onComplete();
          }
        } else {
          failedBeforeFirstByte("model endpoint answered HTTP " + status, retryable(status));
        }
      }
    }

    /** The connection closed or failed before the response ended. */
    void broken(Channel ch) {
      detach(ch, false);
      if (delivered) {
        end(new ModelFailure(ModelFailure.Kind.BROKEN_STREAM, "model stream broke off"));
      } else {
        failedBeforeFirstByte("model connection closed", true);
      }
    }

    @Override
    public void onText(String text) {
      if (!finished.get()) {
        delivered = true;
        listener.onDelta(text);
      }
    }

    @Override
    public void onDone() {
      if (finished.compareAndSet(false, true)) {
        listener.onComplete();
      }
    }

    private void failedBeforeFirstByte(String detail, boolean retry) {
      if (finished.get()) {
        return;
      }
      if (retry && !delivered && attempt < maxRetries) {
        int next = attempt + 1;
        loop.schedule(() -> attempt(next), 250L << attempt, TimeUnit.MILLISECONDS);
        return;
      }
      end(new ModelFailure(ModelFailure.Kind.UNAVAILABLE, detail));
    }

    private void end(ModelFailure failure) {
      if (finished.compareAndSet(false, true)) {
        listener.onFailure(failure);
      }
    }

    /** Hands the connection back to the pool, or closes it if it cannot carry another request. */
    private void detach(Channel ch, boolean reusable) {
      if (ch.attr(EXCHANGE).compareAndSet(this, null)) {
        if (reusable && ch.isActive()) {
          pool.release(ch);
        } else {
          ch.close();
          pool.release(ch);
        }
      }
    }

    void cancel() {
      if (finished.compareAndSet(false, true)) {
        Channel ch = channel;
        if (ch != null) {
          // The rest of the body would still arrive; closing is the only way to stop it.
          ch.eventLoop().execute(() -> detach(ch, false));
        }
      }
    }
  }

  /** Routes a connection's response to the exchange it currently carries. */
  private static final class ResponseReader extends SimpleChannelInboundHandler<HttpObject> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject object) throws IOException {
      Exchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null) {
        exchange.read(ctx.channel(), object);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      Exchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null) {
        exchange.broken(ctx.channel());
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null) {
        exchange.broken(ctx.channel());
      }
      ctx.close();
    }
  }
}
