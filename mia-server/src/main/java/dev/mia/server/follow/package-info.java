/**
 * Who follows a session, and how many connections a user holds, across transports: each transport
 * (Socket.IO, the plain WebSockets) registers its connections here, so a reply or a user's message
 * reaches a session's connections whichever transport they use, and one cap counts a user's
 * connections on all of them. Depends on no other room.
 */
package dev.mia.server.follow;
