/**
 * Socket.IO v4 on netty-socketio: the endpoint and its pipeline, the adapter that turns events into
 * engine calls and engine callbacks into events (identity, connection caps, payload checks), and
 * the relay that streams a reply to every connection joined to a session. The wire shapes are in
 * {@code WirePayloads}; the library's faults are fixed in {@link dev.mia.server.compat}.
 *
 * <p>Two extension points let a server be one of a cluster without this room knowing how: {@link
 * dev.mia.server.follow.ConnectionCap} (the per-user cap, local by default) and {@link
 * dev.mia.server.socketio.RoomEvents} (the events of sessions' rooms, shared with other servers;
 * nothing by default). A shared cap answers later than a local one, so a connection's CONNECT
 * packet waits in {@code AdmissionGate} until it is decided, off the I/O thread's back.
 */
package dev.mia.server.socketio;
