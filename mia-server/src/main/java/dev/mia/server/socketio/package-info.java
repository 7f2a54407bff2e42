/**
 * Socket.IO v4 on netty-socketio: the endpoint and its pipeline, the adapter that turns events into
 * engine calls and engine callbacks into events (identity, connection caps, payload checks), and
 * the relay that streams a reply to every connection joined to a session. The wire shapes are in
 * {@code WirePayloads}; the library's faults are fixed in {@link dev.mia.server.compat}.
 */
package dev.mia.server.socketio;
