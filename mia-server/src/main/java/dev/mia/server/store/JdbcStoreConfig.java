package dev.mia.server.store;

import dev.mia.core.session.InMemorySessionStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a {@link JdbcSessionStore} needs, immutable: where the database is, how long an idle session
 * lives, how many sessions it holds at most, whether this process is the only one using the
 * database, and the clock. Start from {@link #sqlite} or {@link #jdbc} and change fields with the
 * {@code with…} methods; every value is checked when the record is made.
 *
 * @param jdbcUrl where the database is: {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://…}
 * @param user the database user, unless the URL or the driver's defaults say it
 * @param password the user's password; never shown by {@link #toString()}
 * @param ttl how long a session lives without a write before it is deleted
 * @param capacity how many sessions the store holds at most; {@link JdbcSessionStore#create}
 *     refuses more
 * @param soleProcess whether this process is the only one using the database; see {@link
 *     #withSoleProcess}
 * @param processTimeout how long another process sharing the database may go without a heartbeat
 *     before it counts as gone; see {@link #withProcessTimeout}
 * @param clock the time of writes, expiry and heartbeats
 */
public record JdbcStoreConfig(
    String jdbcUrl,
    Optional<String> user,
    Optional<String> password,
    Duration ttl,
    long capacity,
    boolean soleProcess,
    Duration processTimeout,
    Clock clock) {
  /** How long a process may go without a heartbeat before it counts as gone, unless changed. */
  public static final Duration DEFAULT_PROCESS_TIMEOUT = Duration.ofSeconds(15);

  /** The shortest process timeout: a heartbeat every third of it is a write every 50 ms. */
  public static final Duration MIN_PROCESS_TIMEOUT = Duration.ofMillis(150);

  private static final String SQLITE = "jdbc:sqlite:";
  private static final String POSTGRESQL = "jdbc:postgresql:";
  private static final Pattern URL_SECRET =
      Pattern.compile("(password=)[^&;]*", Pattern.CASE_INSENSITIVE);

  /** Checks every field. */
  public JdbcStoreConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(password, "password == null");
    Objects.requireNonNull(ttl, "ttl == null");
    Objects.requireNonNull(processTimeout, "processTimeout == null");
    Objects.requireNonNull(clock, "clock == null");
    if (!jdbcUrl.startsWith(SQLITE) && !jdbcUrl.startsWith(POSTGRESQL)) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with jdbc:sqlite: or jdbc:postgresql:, was "
              + redact(jdbcUrl.substring(0, Math.min(jdbcUrl.length(), 20)))
              + "…");
    }
    String sqliteTarget = jdbcUrl.startsWith(SQLITE) ? jdbcUrl.substring(SQLITE.length()) : "-";
    if (sqliteTarget.isEmpty()
        || sqliteTarget.startsWith(":memory:")
        || sqliteTarget.contains("mode=memory")) {
      throw new IllegalArgumentException(
          "an in-memory SQLite database is private to one connection and lost at exit;"
              + " jdbcUrl must name a file, such as jdbc:sqlite:data/mia.db");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    if (processTimeout.compareTo(MIN_PROCESS_TIMEOUT) < 0) {
      throw new IllegalArgumentException(
          "processTimeout must be at least " + MIN_PROCESS_TIMEOUT + ", was " + processTimeout);
    }
  }

  /**
   * {@return a store in the SQLite database {@code file}, made with its folders if missing} Not the
   * sole process, with the {@linkplain InMemorySessionStore#DEFAULT_TTL default TTL} and
   * {@linkplain InMemorySessionStore#DEFAULT_CAPACITY capacity} and the system clock.
   */
  public static JdbcStoreConfig sqlite(Path file) {
    Objects.requireNonNull(file, "file == null");
    return jdbc(SQLITE + file);
  }

  /**
   * {@return a store in the database at {@code jdbcUrl}, {@code jdbc:sqlite:<file>} or {@code
   * jdbc:postgresql://host:port/database} (credentials in the URL, or given with {@link
   * #withCredentials})} Defaults as {@link #sqlite}.
   */
  public static JdbcStoreConfig jdbc(String jdbcUrl) {
    return new JdbcStoreConfig(
        jdbcUrl,
        Optional.empty(),
        Optional.empty(),
        InMemorySessionStore.DEFAULT_TTL,
        InMemorySessionStore.DEFAULT_CAPACITY,
        false,
        DEFAULT_PROCESS_TIMEOUT,
        Clock.systemUTC());
  }

  /** {@return this configuration connecting as {@code user} with {@code password}} */
  public JdbcStoreConfig withCredentials(String user, String password) {
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(password, "password == null");
    return new JdbcStoreConfig(
        jdbcUrl,
        Optional.of(user),
        Optional.of(password),
        ttl,
        capacity,
        soleProcess,
        processTimeout,
        clock);
  }

  /** {@return this configuration with sessions deleted after {@code ttl} without a write} */
  public JdbcStoreConfig withTtl(Duration ttl) {
    return new JdbcStoreConfig(
        jdbcUrl, user, password, ttl, capacity, soleProcess, processTimeout, clock);
  }

  /** {@return this configuration holding at most {@code capacity} sessions} */
  public JdbcStoreConfig withCapacity(long capacity) {
    return new JdbcStoreConfig(
        jdbcUrl, user, password, ttl, capacity, soleProcess, processTimeout, clock);
  }

  /**
   * {@return this configuration declaring whether this process is the only one using the database}
   * A sole process treats every other process that ever used the database as gone the moment it
   * opens the store: the messages they left unanswered (after a crash, say) are reported {@link
   * dev.mia.core.session.MessageStatus#INTERRUPTED} at once instead of after their heartbeat goes
   * stale. Off by default: if another process does use the database, its unanswered messages would
   * be reported interrupted while it is still answering them.
   */
  public JdbcStoreConfig withSoleProcess(boolean soleProcess) {
    return new JdbcStoreConfig(
        jdbcUrl, user, password, ttl, capacity, soleProcess, processTimeout, clock);
  }

  /**
   * {@return this configuration counting another process as gone once it has gone {@code timeout}
   * without a heartbeat} The messages a gone process owes a reply read as {@link
   * dev.mia.core.session.MessageStatus#INTERRUPTED} from then on, and the next turn of their
   * session skips them. This process beats every third of it. Servers of a cluster set it below the
   * lease of their session locks, so that a dead server's messages are known cut off before another
   * server can take their session's lock; otherwise that server's turn would answer the dead
   * server's message instead of its own. Default {@link #DEFAULT_PROCESS_TIMEOUT}.
   */
  public JdbcStoreConfig withProcessTimeout(Duration timeout) {
    return new JdbcStoreConfig(jdbcUrl, user, password, ttl, capacity, soleProcess, timeout, clock);
  }

  /** {@return this configuration reading time from {@code clock}} */
  public JdbcStoreConfig withClock(Clock clock) {
    return new JdbcStoreConfig(
        jdbcUrl, user, password, ttl, capacity, soleProcess, processTimeout, clock);
  }

  /** {@return whether the database is SQLite (else PostgreSQL)} */
  boolean isSqlite() {
    return jdbcUrl.startsWith(SQLITE);
  }

  /** {@return the SQLite file named by the URL, without any {@code ?options}} */
  Path sqliteFile() {
    String target = jdbcUrl.substring(SQLITE.length());
    int options = target.indexOf('?');
    return Path.of(options < 0 ? target : target.substring(0, options));
  }

  /** {@return the URL with any password in it masked, for messages and logs} */
  public String safeUrl() {
    return redact(jdbcUrl);
  }

  private static String redact(String url) {
    return URL_SECRET.matcher(url).replaceAll("$1***");
  }

  /** Lists every field; the password, and one in the URL, show as {@code ***}. */
  @Override
  public String toString() {
    return "JdbcStoreConfig[jdbcUrl="
        + safeUrl()
        + ", user="
        + user.orElse("(default)")
        + ", password="
        + (password.isPresent() ? "***" : "(none)")
        + ", ttl="
        + ttl
        + ", capacity="
        + capacity
        + ", soleProcess="
        + soleProcess
        + ", processTimeout="
        + processTimeout
        + ", clock="
        + clock
        + "]";
  }
}
