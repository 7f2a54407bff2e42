package dev.mia.server.cluster;

import dev.mia.core.session.InMemorySessionStore;
import dev.mia.server.config.ServerConfigBuilder;
import dev.mia.server.testing.RunningServer;
import dev.mia.server.testing.TestRedis;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Two servers of one cluster in this process, {@link #a()} and {@link #b()}: one in-memory session
 * store, one Redis (the test Redis, under a key prefix of their own), each with its own fake model
 * endpoint. Skips the test when there is no test Redis.
 */
final class TwoServers implements AutoCloseable {
  private final RunningServer a;
  private final RunningServer b;

  private TwoServers(RunningServer a, RunningServer b) {
    this.a = a;
    this.b = b;
  }

  /** {@return two started servers whose configuration {@code customize} may change} */
  static TwoServers start(UnaryOperator<ServerConfigBuilder> customize) {
    var redis = TestRedis.address();
    String prefix = TestRedis.newKeyPrefix();
    InMemorySessionStore store = new InMemorySessionStore();
    UnaryOperator<ServerConfigBuilder> clustered =
        c -> customize.apply(c.redis(Optional.of(redis)).redisKeyPrefix(prefix));
    RunningServer a = RunningServer.start(store, clustered);
    try {
      return new TwoServers(a, RunningServer.start(store, clustered));
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  RunningServer a() {
    return a;
  }

  RunningServer b() {
    return b;
  }

  @Override
  public void close() {
    a.closeInBackground();
    b.closeInBackground();
  }
}
