package dev.mia.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mia.server.testing.RunningServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the client in-process against a real server with a fake model behind it. */
class MiaClientTest {
  private static final Pattern SESSION_LINE =
      Pattern.compile(
          "^session (\\S+) \\(user (\\S+), mode GREETING, tier 1\\)$", Pattern.MULTILINE);

  private static RunningServer server;

  @BeforeAll
  static void startServer() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** What one run of the client printed, and how it ended. */
  private record Result(int exitCode, String out, String err) {
    String sessionId() {
      Matcher m = SESSION_LINE.matcher(out);
      assertTrue(m.find(), () -> "no session line in:\n" + out);
      return m.group(1);
    }
  }

  private static Result runWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    int code =
        MiaClient.run(
            args,
            in,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Result run(String... args) {
    return runWithInput("", args);
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  @Test
  void messagesFromArgumentsAreEachAnsweredOnTheirOwnLine() {
    Result r = run("--url", server.url(), "hello", "how are you");

    assertEquals(0, r.exitCode(), r.err());
    r.sessionId();
    String reply = server.fake().replyText();
    assertTrue(
        r.out().endsWith(reply + System.lineSeparator() + reply + System.lineSeparator()), r.out());
    assertEquals("", r.err());
  }

  @Test
  void nextMessageIsSentOnlyAfterThePreviousReplyIsComplete() {
    int before = server.fake().chatRequests().size();

    Result r = run("--url", server.url(), "first message", "second message");

    assertEquals(0, r.exitCode(), r.err());
    List<JsonNode> requests = server.fake().chatRequests();
    assertEquals(before + 2, requests.size());
    // The model saw the first reply in the history of the second message.
    String second = requests.get(before + 1).path("messages").toString();
    assertTrue(second.contains(server.fake().replyText()), second);
  }

  @Test
  void withoutMessageArgumentsEachNonBlankLineOfStandardInputIsAMessage() {
    int before = server.fake().chatRequests().size();

    Result r = runWithInput("hello\n\n   \nstill there?\n", "--url", server.url());

    assertEquals(0, r.exitCode(), r.err());
    assertEquals(2, count(r.out(), server.fake().replyText()), r.out());
    assertEquals(before + 2, server.fake().chatRequests().size());
  }

  @Test
  void userOptionConnectsWithATokenForThatUser() {
    Result r = run("--url", server.url(), "--user", "alice", "hello");

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains(" (user alice, "), r.out());
  }

  @Test
  void tokenOptionConnectsAsTheTokensUser() {
    Result r = run("--url", server.url(), "--token", server.token("bob"), "hello");

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains(" (user bob, "), r.out());
  }

  @Test
  void pollingTransportWorksToo() {
    Result r = run("--url", server.url(), "--transport", "polling", "hello");

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains(server.fake().replyText()), r.out());
  }

  @Test
  void crisisMessagePrintsTheSafetyAlertAndItsCrisisLines() {
    Result r = run("--url", server.url(), "I want to die");

    assertEquals(0, r.exitCode(), r.err());
    String nl = System.lineSeparator();
    assertTrue(r.out().contains(nl + "[safety alert] tier 3" + nl), r.out());
    assertTrue(
        r.out().contains(nl + "  - 988 Suicide & Crisis Lifeline: Call or text 988" + nl), r.out());
  }

  @Test
  void unknownSessionToResumeGivesAFreshSessionThatAnswers() {
    Result r = run("--url", server.url(), "--session", "no-such-session-42", "hello");

    assertEquals(0, r.exitCode(), r.err());
    assertNotEquals("no-such-session-42", r.sessionId());
    assertTrue(r.out().contains(server.fake().replyText()), r.out());
  }

  @Test
  void knownSessionIsResumed() {
    String id = run("--url", server.url(), "--user", "carol", "hello").sessionId();

    Result r = run("--url", server.url(), "--user", "carol", "--session", id, "again");

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("session " + id + " (user carol, "), r.out());
  }

  @Test
  void serverErrorIsPrintedAndStopsTheRunWithExitCodeOne() {
    int before = server.fake().chatRequests().size();

    Result r = run("--url", server.url(), "[fail] hello", "never sent");

    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.err().startsWith("[error "), r.err());
    assertEquals(before + 1, server.fake().chatRequests().size());
  }

  @Test
  void malformedSessionIdIsAServerErrorWithItsCode() {
    Result r = run("--url", server.url(), "--session", "not a valid id!", "hello");

    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.err().startsWith("[error INVALID_PAYLOAD] "), r.err());
  }

  @Test
  void serverThatRequiresAuthenticationAcceptsTheToken() {
    try (RunningServer strict = RunningServer.start(config -> config.requireAuth(true))) {
      Result r = run("--url", strict.url(), "--user", "dave", "hello");

      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().contains(" (user dave, "), r.out());
    }
  }

  @Test
  void serverThatRequiresAuthenticationRefusesNoTokenWithExitCodeThree() {
    try (RunningServer strict = RunningServer.start(config -> config.requireAuth(true))) {
      Result r = run("--url", strict.url(), "hello");

      assertEquals(3, r.exitCode(), r.out());
      assertTrue(r.err().startsWith("[error AUTH_REQUIRED] could not connect to "), r.err());
    }
  }

  @Test
  void unreachableServerGivesExitCodeThree() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    Result r = run("--url", "http://127.0.0.1:" + closedPort, "hello");

    assertEquals(3, r.exitCode());
    assertTrue(r.err().startsWith("[error] could not connect to http://127.0.0.1:"), r.err());
  }

  @Test
  void tokenFetchFromAnUnreachableServerGivesExitCodeThree() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    Result r = run("--url", "http://127.0.0.1:" + closedPort, "--user", "alice", "hello");

    assertEquals(3, r.exitCode());
    assertTrue(r.err().startsWith("[error] could not get a token from "), r.err());
  }

  @Test
  void unknownOptionGivesExitCodeTwoAndUsageOnStandardError() {
    Result r = run("--bogus");

    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("mia-client: unknown option --bogus"), r.err());
    assertTrue(r.err().contains("usage: java -jar mia-client.jar"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void optionWithoutItsValueGivesExitCodeTwo() {
    Result r = run("--url");

    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("mia-client: --url needs a value"), r.err());
  }

  @Test
  void helpPrintsUsageAndExitsWithZero() {
    Result r = run("--help");

    assertEquals(0, r.exitCode());
    assertTrue(r.out().startsWith("usage: java -jar mia-client.jar"), r.out());
  }
}
