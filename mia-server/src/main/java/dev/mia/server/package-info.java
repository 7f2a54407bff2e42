/**
 * The Mia server: {@link dev.mia.server.Main} reads the environment and runs a {@link
 * dev.mia.server.MiaServer}, which assembles the rooms below around mia-core's engine.
 *
 * <ul>
 *   <li>{@code config}: settings, read from the environment and checked;
 *   <li>{@code http}: the REST routes and static files on the same port;
 *   <li>{@code socketio}: Socket.IO events to engine calls and back;
 *   <li>{@code compat}: fixes for netty-socketio's differences from Node's Socket.IO;
 *   <li>{@code model}: the Netty model client and the executor that keeps a message on its socket's
 *       thread;
 *   <li>{@code metrics}: counts and timings for {@code /metrics};
 *   <li>{@code store}: durable session stores on JDBC (SQLite, PostgreSQL).
 * </ul>
 *
 * Arrows point down only: {@code socketio} uses {@code compat} and {@code config}; {@code http}
 * uses {@code config}; {@code compat}, {@code config}, {@code metrics}, {@code model} and {@code
 * store} use no other room.
 */
package dev.mia.server;
