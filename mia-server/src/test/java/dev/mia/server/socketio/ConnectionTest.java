package dev.mia.server.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mia.core.conversation.ErrorCode;
import dev.mia.server.socketio.Connection.ConnectRun;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What each run of the connect listeners stands for: bindings until the CONNECT packet is decided,
 * then the admission or the refusal.
 */
class ConnectionTest {
  private final Connection connection = new Connection();
  private final Connection.Identity identity = new Connection.Identity("anon_a", true);

  @Test
  void theFirstRunIsTheTransportBinding() {
    assertEquals(ConnectRun.TRANSPORT_BOUND, connection.connectRun());
  }

  @Test
  void aSecondBindingBeforeTheDecisionIsNotARefusal() {
    connection.connectRun();
    connection.decide();

    assertEquals(ConnectRun.TRANSPORT_BOUND, connection.connectRun());
    assertTrue(connection.refusal().isEmpty());
  }

  @Test
  void aRepeatedConnectWaitsForTheDecisionUnderWay() {
    connection.decide();

    boolean decidesAgain = connection.decide();
    CompletableFuture<Void> waitedFor = connection.decision().toCompletableFuture();

    assertFalse(decidesAgain);
    assertFalse(waitedFor.isDone());
    connection.admit(identity, () -> {});
    assertTrue(waitedFor.isDone());
  }

  @Test
  void theFirstConnectDecides() {
    assertTrue(connection.decide());
  }

  @Test
  void theRunAfterAdmissionAdmits() {
    connection.connectRun();
    connection.connectRun();
    connection.decide();
    connection.admit(identity, () -> {});

    assertEquals(ConnectRun.ADMITTED, connection.connectRun());
    assertEquals(Optional.of(identity), connection.activeIdentity());
  }

  @Test
  void theRunAfterARefusalRefusesWithItsCode() {
    connection.connectRun();
    connection.decide();
    connection.notAdmitted(ErrorCode.TOO_MANY_CONNECTIONS);

    assertEquals(ConnectRun.REFUSED, connection.connectRun());
    assertEquals(Optional.of(ErrorCode.TOO_MANY_CONNECTIONS), connection.refusal());
  }

  @Test
  void aPlaceGrantedAfterTheConnectionClosedIsGivenBackAndNotAdmitted() {
    boolean[] givenBack = {false};
    connection.connectRun();
    connection.decide();
    connection.close();

    connection.admit(identity, () -> givenBack[0] = true);

    assertTrue(givenBack[0]);
    assertTrue(connection.activeIdentity().isEmpty());
  }

  @Test
  void aClosedConnectionsLastPollIsABindingNotARefusal() {
    connection.connectRun();
    connection.decide();
    connection.admit(identity, () -> {});
    connection.connectRun();
    connection.close();

    assertEquals(ConnectRun.TRANSPORT_BOUND, connection.connectRun());
  }
}
