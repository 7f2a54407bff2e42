package dev.mia.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What a browser origin looks like ({@code scheme://host[:port]}, http or https, no path) and its
 * one comparable spelling, for the origins an operator allows and the {@code Origin} headers
 * requests carry.
 */
public final class WebOrigin {
  /**
   * The {@code Origin} a browser sends for an opaque origin, such as a page opened from a file; an
   * operator may allow it by name.
   */
  public static final String OPAQUE = "null";

  private WebOrigin() {}

  /** {@return whether {@code value} is an http(s) origin: scheme, host, optional port, no path} */
  public static boolean isOrigin(String value) {
    try {
      URI uri = new URI(value);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
          && uri.getQuery() == null
          && uri.getFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@return the origin trimmed, in lower case, without a trailing slash} */
  public static String normalize(String origin) {
    String lower = origin.trim().toLowerCase(Locale.ROOT);
    return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
