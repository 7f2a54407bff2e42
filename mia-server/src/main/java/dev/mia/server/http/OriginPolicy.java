package dev.mia.server.http;

import dev.mia.server.config.WebOrigin;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * Which browser origins may use the server: the configured {@code ALLOWED_ORIGINS}, {@code *} for
 * any, and always the server's own origin (the page it serves at {@code /}). A request without an
 * {@code Origin} header is not from a browser's cross-origin context and is allowed. Immutable.
 */
public final class OriginPolicy {
  private final List<String> allowed;
  private final boolean any;

  /**
   * A policy allowing {@code allowed} origins (normalised; {@code *} for any) and the server's own.
   */
  public OriginPolicy(List<String> allowed) {
    this.allowed = List.copyOf(allowed);
    this.any = allowed.contains("*");
  }

  /**
   * {@return whether a request with this {@code Origin} header (if any) to this {@code Host} may
   * proceed}
   */
  public boolean permits(Optional<String> origin, Optional<String> host) {
    if (origin.isEmpty() || any) {
      return true;
    }
    String normalized = WebOrigin.normalize(origin.get());
    if (allowed.contains(normalized)) {
      return true;
    }
    // Same-origin requests from the page served at "/" carry an Origin naming our own host.
    return host.isPresent() && sameHost(normalized, host.get());
  }

  private static boolean sameHost(String origin, String host) {
    try {
      URI uri = new URI(origin);
      if (uri.getHost() == null) {
        return false;
      }
      String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return authority.equalsIgnoreCase(host.trim());
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
