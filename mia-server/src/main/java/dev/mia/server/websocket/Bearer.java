package dev.mia.server.websocket;

import dev.mia.core.auth.TokenService;
import dev.mia.server.follow.ConnectionCap;
import dev.mia.server.websocket.WebSocketEndpoint.Admission;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

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

  /**
   * {@return the admission of a request that needs a valid token and a place under its user's
   * connection cap} {@code withoutToken} without a valid token, {@code overCap} when the user has
   * as many connections as allowed, else admitted with the state {@code admitted} makes of the user
   * and the place (which the endpoint gives back when the connection ends).
   */
  static CompletionStage<Admission> admitUser(
      FullHttpRequest request,
      TokenService tokens,
      ConnectionCap cap,
      Admission withoutToken,
      Admission overCap,
      BiFunction<String, ConnectionCap.Place, Object> admitted) {
    Optional<String> user = user(request, tokens);
    if (user.isEmpty()) {
      return CompletableFuture.completedFuture(withoutToken);
    }
    return cap.tryOpen(user.get())
        .thenApply(
            place ->
                place.isPresent()
                    ? new Admission.Admitted(admitted.apply(user.get(), place.get()))
                    : overCap);
  }
}
