package dev.mia.server.http;

import java.util.Optional;

/** Who may mint tokens at {@code POST /api/auth/token}. */
public sealed interface TokenPolicy {
  /** Anyone, for any user id: development only. */
  record Open() implements TokenPolicy {}

  /** Only a caller presenting the operator key as a bearer token. */
  record OperatorKey(String key) implements TokenPolicy {}

  /** Nobody: the endpoint answers 404. */
  record Disabled() implements TokenPolicy {}

  /**
   * {@return the policy of a deployment: open in development; in production only for the operator
   * key, or for nobody without one}
   */
  static TokenPolicy forDeployment(boolean production, Optional<String> adminKey) {
    if (!production) {
      return new Open();
    }
    return adminKey.<TokenPolicy>map(OperatorKey::new).orElseGet(Disabled::new);
  }
}
