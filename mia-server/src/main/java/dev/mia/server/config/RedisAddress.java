package dev.mia.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the cluster's Redis is, from {@code MIA_REDIS_URL}: {@code redis://[[user]:password@]host[:
 * port][/database]}, or {@code rediss://} for TLS. Immutable; {@link #toString()} never shows the
 * password.
 *
 * @param tls whether the connection uses TLS ({@code rediss})
 * @param host the host name or address
 * @param port the port, 6379 unless given
 * @param username the ACL user, if the URL names one
 * @param password the password, if the URL has one
 * @param database the database number, 0 unless given
 */
public record RedisAddress(
    boolean tls,
    String host,
    int port,
    Optional<String> username,
    Optional<String> password,
    int database) {
  private static final String VARIABLE = "MIA_REDIS_URL";
  private static final String FORM =
      " must be a Redis URL such as redis://127.0.0.1:6379 or redis://:password@host:6379/0";

  /** Checks every field. */
  public RedisAddress {
    Objects.requireNonNull(host, "host == null");
    Objects.requireNonNull(username, "username == null");
    Objects.requireNonNull(password, "password == null");
    if (host.isBlank() || port < 1 || port > 65535 || database < 0) {
      throw new ConfigException(VARIABLE + FORM);
    }
  }

  /**
   * {@return the address {@code url} names}
   *
   * @throws ConfigException naming {@code MIA_REDIS_URL} if {@code url} is not a Redis URL
   */
  public static RedisAddress parse(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw refusal(url);
    }
    String scheme = uri.getScheme();
    if (!("redis".equals(scheme) || "rediss".equals(scheme))
        || uri.getHost() == null
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw refusal(url);
    }
    Optional<String> username = Optional.empty();
    Optional<String> password = Optional.empty();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      username = user.isEmpty() ? Optional.empty() : Optional.of(decode(user));
      if (colon >= 0 && colon < userInfo.length() - 1) {
        password = Optional.of(decode(userInfo.substring(colon + 1)));
      }
      if (colon < 0) { // redis://password@host, as many clients read it
        password = username;
        username = Optional.empty();
      }
    }
    int database = 0;
    String path = uri.getPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw refusal(url);
      }
    }
    return new RedisAddress(
        "rediss".equals(scheme),
        uri.getHost(),
        uri.getPort() < 0 ? 6379 : uri.getPort(),
        username,
        password,
        database);
  }

  /** {@return {@code host:port}, for logs} */
  public String hostAndPort() {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@return the URL without credentials, as a Redis client takes it} */
  public String url() {
    return (tls ? "rediss://" : "redis://") + hostAndPort();
  }

  /** The URL without credentials, and whether a password is set. */
  @Override
  public String toString() {
    return url() + "/" + database + (password.isPresent() ? " (password set)" : "");
  }

  private static String decode(String part) {
    return URLDecoder.decode(part, StandardCharsets.UTF_8);
  }

  private static ConfigException refusal(String url) {
    // The value is not echoed: it may hold a password.
    return new ConfigException(
        VARIABLE + FORM + "; the value set is not one (not shown here: it may hold a password)");
  }
}
