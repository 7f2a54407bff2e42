/**
 * The plain-HTTP side of the port: {@code /health}, {@code /ready} and its {@code Readiness},
 * {@code /api/auth/token}, {@code /metrics}, the test page and the browser client, and the check of
 * a request's {@code Origin} that every route and every Socket.IO request passes.
 */
package dev.mia.server.http;
