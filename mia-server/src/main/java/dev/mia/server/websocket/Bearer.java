package dev.mia.server.websocket;

import dev.mia.core.auth.TokenService;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Optional;

/**
 * Who an upgrade request says it is: the user of a valid token given as {@code ?token=} (browsers
 * cannot set headers on a WebSocket) or as {@code Authorization: Bearer}.
 */
final class Bearer {
  private Bearer() {}

  /** {@return the token the request presents, if any} */
  static Optional<String> token(FullHttpRequest request) {
    List<String> query = new QueryStringDecoder(request.uri()).parameters().get("token");
    if (query != null && !query.isEmpty() && !query.get(0).isBlank()) {
      return Optional.of(query.get(0).trim());
    }
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(header.substring(7).trim());
    }
    return Optional.empty();
  }

  /** {@return the user of the request's token, if it presents a valid one} */
  static Optional<String> user(FullHttpRequest request, TokenService tokens) {
    return token(request).flatMap(tokens::verify);
  }
}
