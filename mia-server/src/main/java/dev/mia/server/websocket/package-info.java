/**
 * The plain-WebSocket clients the server serves beside Socket.IO, on the same port, engine,
 * sessions and identities: the router that takes an upgrade out of Socket.IO's pipeline, and one
 * endpoint per protocol ({@code /ws}: seed 003's message stream).
 */
package dev.mia.server.websocket;
