/**
 * The server's metrics, kept by Micrometer and served in Prometheus's format at {@code /metrics}:
 * what the engine does (heard as its observer), connections by transport, and the JVM. Depends on
 * no other room.
 */
package dev.mia.server.metrics;
