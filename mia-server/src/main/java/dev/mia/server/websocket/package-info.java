/**
 * The plain-WebSocket clients the server serves beside Socket.IO, on the same port, engine,
 * sessions and identities: the router that takes an upgrade out of Socket.IO's pipeline, and one
 * endpoint per protocol ({@code /ws}: seed 003's message stream; {@code /ws/chat}: seed 004's
 * therapeutic chat, with its wire shapes in {@code ChatMessages}; {@code /} and {@code /realtime}:
 * seed 002's voice proxy to the Realtime API, {@code RealtimeEndpoint} admitting, {@code
 * RealtimeRelay} relaying each connection and {@code RealtimeUpstream} the API's side).
 */
package dev.mia.server.websocket;
