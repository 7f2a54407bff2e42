package dev.mia.server.websocket;

import dev.mia.core.conversation.ConversationEngine;
import dev.mia.core.conversation.JoinResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The session a plain-WebSocket client means by its {@code session_id}. Clients of these protocols
 * name their own sessions (any string, often a UUID they made up). An id that is one of the user's
 * own sessions (made on any transport) is that session; any other id is the user's own alias for a
 * session this server makes on first use, under an id derived from the user and the alias (a
 * SHA-256 of both), so the same user with the same alias always gets the same session, and no two
 * users' aliases can meet.
 */
final class SessionAliases {
  private static final Base64.Encoder ID = Base64.getUrlEncoder().withoutPadding();

  private SessionAliases() {}

  /** {@return the session {@code userId} means by {@code clientId}, made if it is new} */
  static CompletionStage<JoinResult> resolve(
      ConversationEngine engine, String userId, String clientId) {
    return engine
        .sessionAsync(userId, clientId)
        .thenCompose(
            own ->
                own.isPresent()
                    ? CompletableFuture.completedFuture(new JoinResult.Joined(own.get(), false))
                    : engine.openAsync(userId, derived(userId, clientId)));
  }

  /** {@return the server's id for the user's alias} */
  static String derived(String userId, String clientId) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(userId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(clientId.getBytes(StandardCharsets.UTF_8));
      return "session_" + ID.encodeToString(sha.digest()).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
