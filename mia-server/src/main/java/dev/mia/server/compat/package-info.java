/**
 * Workarounds for netty-socketio 2.0.14, each where the library differs from Node's Socket.IO in a
 * way a client of the original server notices. One class per library fault; delete a class when the
 * library fixes its fault (each class's Javadoc says how the fault shows). Nothing here knows about
 * Mia's conversations.
 *
 * <table>
 *   <caption>The faults and their fixes</caption>
 *   <tr><th>class</th><th>library fault</th><th>what a client saw</th></tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.ConnectPacketAuth}</td>
 *     <td>auth listeners run only for a CONNECT packet carrying {@code auth}; a bare CONNECT is
 *         acknowledged before any listener may refuse it</td>
 *     <td>{@code connect} followed by {@code connect_error} instead of a plain refusal</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.PendingPolls}</td>
 *     <td>a close packet leaves the pending long-poll unanswered until it times out; a POST's
 *         packets are decoded in one loop that stops at the first unreadable one; a POST is
 *         answered before its packets are handled</td>
 *     <td>a hanging request after {@code disconnect()}; messages batched behind a malformed one
 *         lost; two messages handled out of order</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.PollingConnectionClose}</td>
 *     <td>polling responses say {@code Connection: keep-alive}, then the connection is closed</td>
 *     <td>the next request on the reused connection fails</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.PollHandOver}</td>
 *     <td>a closed long-poll's connection is unbound from its session by an unlocked check and
 *         clear, which can clear the session's next poll bound in between</td>
 *     <td>replies (a join's {@code session_created}, an acknowledgement) held back until the next
 *         ping, 25 s later</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.UpgradeNoops}</td>
 *     <td>only one noop ends the pending poll when a WebSocket probe arrives, and it may overtake
 *         the probe's answer</td>
 *     <td>an upgrade from polling to WebSocket that stalls until the upgrade timeout</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.LosslessPacketEncoder}</td>
 *     <td>a long-poll response takes a 51st packet off the queue, then drops it</td>
 *     <td>a lost chunk, error or acknowledgement for a polling client that fell behind</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.WholePacketJsonSupport}</td>
 *     <td>the event reader stops before the end of a packet with unread arguments</td>
 *     <td>the packets after it decoded from garbage and lost</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.QuietExceptionListener}</td>
 *     <td>the default exception listener logs exception messages at ERROR, and Jackson's quote
 *         the unreadable payload</td>
 *     <td>message text in the logs</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.FirstDataTimeout}</td>
 *     <td>a connection is closed 5 s after it opened unless the library's own authorize handler
 *         read from it, which requests answered in front of it never reach</td>
 *     <td>a plain WebSocket ({@code /ws}, {@code /ws/chat}) closed ("Bye") 5 s after it opened</td>
 *   </tr>
 *   <tr>
 *     <td>{@link dev.mia.server.compat.DroppedDefaultPipeline}</td>
 *     <td>the server's own default pipeline factory is dropped by {@code setPipelineFactory}
 *         without its timer being stopped</td>
 *     <td>(operators) a "LEAK: HashedWheelTimer" ERROR in the log at a random time</td>
 *   </tr>
 * </table>
 *
 * <p>Logging: the library logs raw payloads of packets it cannot read ({@code InPacketHandler},
 * {@code JsonSupportWrapper}) and, at ERROR, a client's stale or unknown session id ({@code
 * PollingTransport}: "is not registered"), which every polling client that disconnects can cause
 * and Node's server does not log. Those loggers are off in {@code simplelogger.properties}, beside
 * the library's WARN level.
 *
 * <p>Two more differences are handled where they arise rather than here, because they are about who
 * a connection is: netty-socketio runs connect listeners when the transport binds, before the
 * CONNECT packet ({@code socketio.SocketIoAdapter}), and its refusal payload must be a map for
 * clients to see {@code err.data}.
 */
package dev.mia.server.compat;
