package dev.mia.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link QuietExceptionListener}: a connection is kept through a packet that cannot be read, and
 * what the listener logs at INFO and above (slf4j-simple writes it to {@code System.err}, looked up
 * at each call) holds no message text.
 */
class QuietExceptionListenerTest {
  private static final String TEXT = "I have not told anyone this before";

  /** A word of a message, sent unquoted: the JSON parser's error quotes it. */
  private static final String WORD = "lonely";

  private final QuietExceptionListener listener = new QuietExceptionListener();

  @Test
  void anUnreadablePacketKeepsTheConnection() throws Exception {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());

    boolean handled =
        listener.exceptionCaught(
            channel.pipeline().firstContext(), unreadable("[\"message\", " + WORD + "]"));

    assertTrue(handled, "handled: the library does not pass it on");
    assertTrue(channel.isOpen());
    assertFalse(channel.finish());
  }

  @Test
  void anUnreadablePacketLogsNothingAtInfoOrAbove() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    Exception unreadable = unreadable("[\"message\", " + WORD + "]");
    assertTrue(unreadable.getMessage().contains(WORD), "the library's default would log it");

    String logged =
        stderrOf(() -> listener.exceptionCaught(channel.pipeline().firstContext(), unreadable));

    assertEquals("", logged);
    assertFalse(channel.finish());
  }

  @Test
  void aFailedEventIsLoggedWithoutItsArguments() {
    List<Object> args = List.of(TEXT);

    String logged =
        stderrOf(
            () -> listener.onEventException(new IllegalStateException("no session"), args, null));

    assertTrue(logged.contains("event handler failed: java.lang.IllegalStateException"), logged);
    assertFalse(logged.contains(TEXT), logged);
  }

  @Test
  void aFailedEventsExceptionMessageStaysOutOfTheLog() {
    String logged =
        stderrOf(
            () ->
                listener.onEventException(
                    new IllegalStateException("could not handle " + TEXT), List.of(), null));

    assertTrue(logged.contains("event handler failed: java.lang.IllegalStateException"), logged);
    assertFalse(logged.contains(TEXT), logged);
  }

  @Test
  void aFailedAuthListenerIsLoggedByItsExceptionsClass() {
    String logged =
        stderrOf(() -> listener.onAuthException(new IllegalArgumentException("bad token"), null));

    assertTrue(logged.contains("auth listener failed: java.lang.IllegalArgumentException"), logged);
  }

  /** {@return a parse failure of {@code json}, as the library's decoder meets one} */
  private static Exception unreadable(String json) {
    try {
      new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      return e;
    }
    throw new AssertionError("readable: " + json);
  }

  private interface Action {
    void run() throws Exception;
  }

  /** {@return what {@code action} wrote to {@code System.err}, kept from the test's output} */
  private static String stderrOf(Action action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
