package dev.mia.server.websocket;

import dev.mia.core.conversation.ReplyListener;
import dev.mia.core.conversation.TurnAssessment;
import java.util.Optional;

/**
 * The reply to one message of a session, as a plain-WebSocket endpoint writes it: it keeps the
 * message's assessment, which comes before the reply's pieces, for the completed reply's intent and
 * risk level. Each endpoint says what its clients get of each step.
 */
abstract class AssessedReply implements ReplyListener {
  /** The session whose followers get the reply. */
  final String sessionId;

  // Set on the turn's thread before any piece of the reply; read when the reply completes.
  private volatile TurnAssessment assessment;

  AssessedReply(String sessionId) {
    this.sessionId = sessionId;
  }

  @Override
  public final void onAssessed(TurnAssessment assessment) {
    this.assessment = assessment;
    assessed();
  }

  /** What the endpoint does once the message is assessed; nothing by default. */
  void assessed() {}

  /** {@return the message's assessment, unless the turn failed before it} */
  final Optional<TurnAssessment> assessment() {
    return Optional.ofNullable(assessment);
  }
}
