/**
 * The Mia server: {@link dev.mia.server.Main} reads the environment and runs a {@link
 * dev.mia.server.MiaServer}, which assembles the rooms below around mia-core's engine.
 *
 * <ul>
 *   <li>{@code config}: settings, read from the environment and checked;
 *   <li>{@code http}: the REST routes and static files on the same port;
 *   <li>{@code cluster}: what servers sharing one Redis share (session locks, the rate limit, the
 *       connection cap, the events of sessions' rooms); used only with {@code MIA_REDIS_URL};
 *   <li>{@code socketio}: Socket.IO events to engine calls and back;
 *   <li>{@code websocket}: the plain-WebSocket endpoints ({@code /ws}, …) on the same port;
 *   <li>{@code follow}: what every transport shares about a session's connections (the connections
 *       following it, the per-user connection cap);
 *   <li>{@code compat}: fixes for netty-socketio's differences from Node's Socket.IO;
 *   <li>{@code model}: the Netty model client and the executor that keeps a message on its socket's
 *       thread;
 *   <li>{@code metrics}: counts and timings for {@code /metrics};
 *   <li>{@code store}: durable session stores on JDBC (SQLite, PostgreSQL).
 * </ul>
 *
 * Arrows point down only: {@code cluster} uses {@code socketio} (whose {@code RoomEvents} it
 * implements), {@code follow} (whose {@code ConnectionCap} it implements), {@code compat} and
 * {@code config}; {@code websocket} uses {@code http} and {@code follow}; {@code socketio} uses
 * {@code follow}, {@code compat} and {@code config}, and does not know {@code cluster}; {@code
 * http} uses {@code config}; {@code compat}, {@code config}, {@code follow}, {@code metrics},
 * {@code model} and {@code store} use no other room.
 */
package dev.mia.server;
