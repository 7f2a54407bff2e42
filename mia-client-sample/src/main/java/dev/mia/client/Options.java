package dev.mia.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parsed command line of {@link MiaClient}.
 *
 * @param url the server's base URL
 * @param token a JWT to connect with, if given
 * @param user a user id to fetch a token for, if given
 * @param session a session id to resume, if given
 * @param transport {@code websocket} or {@code polling}
 * @param help whether {@code --help} was given
 * @param messages the messages to send, in order; empty means "read standard input"
 */
record Options(
    URI url,
    Optional<String> token,
    Optional<String> user,
    Optional<String> session,
    String transport,
    boolean help,
    List<String> messages) {

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar mia-client.jar [options] [message...]",
          "  --url URL          server base URL (default http://localhost:3001)",
          "  --token JWT        connect with this token",
          "  --user ID          fetch a token for this user id from POST {url}/api/auth/token",
          "  --session ID       resume this session (default: start a new one)",
          "  --transport T      websocket or polling (default websocket)",
          "  --help             show this help",
          "  --                 end of options; what follows are messages",
          "Messages are sent one at a time, each after the previous reply is complete.",
          "With no messages, each non-blank line of standard input is one message.");

  /** A command line that cannot be run; the message says what is wrong with it. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** {@return the options {@code args} ask for} */
  static Options parse(String[] args) throws UsageException {
    String url = "http://localhost:3001";
    String token = null;
    String user = null;
    String session = null;
    String transport = "websocket";
    boolean help = false;
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        messages.add(arg);
        continue;
      }
      switch (arg) {
        case "--" -> {
          messages.addAll(List.of(args).subList(i + 1, args.length));
          i = args.length;
        }
        case "--help" -> help = true;
        case "--url" -> url = value(args, ++i, arg);
        case "--token" -> token = value(args, ++i, arg);
        case "--user" -> user = value(args, ++i, arg);
        case "--session" -> session = value(args, ++i, arg);
        case "--transport" -> transport = value(args, ++i, arg);
        default -> throw new UsageException("unknown option " + arg);
      }
    }
    if (token != null && user != null) {
      throw new UsageException("give --token or --user, not both");
    }
    if (!transport.equals("websocket") && !transport.equals("polling")) {
      throw new UsageException("--transport must be websocket or polling, not " + transport);
    }
    return new Options(
        parseUrl(url),
        Optional.ofNullable(token),
        Optional.ofNullable(user),
        Optional.ofNullable(session),
        transport,
        help,
        List.copyOf(messages));
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static URI parseUrl(String url) throws UsageException {
    try {
      URI uri = new URI(url);
      // Socket.IO reads a URL's path as a namespace; Mia serves the default one only.
      boolean base = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/");
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || !base) {
        throw new UsageException("--url must be a base URL like http://localhost:3001, not " + url);
      }
      return uri.resolve("/");
    } catch (java.net.URISyntaxException e) {
      throw new UsageException("--url is not a URL: " + e.getMessage());
    }
  }
}
