/**
 * The server's settings: {@link dev.mia.server.config.ServerConfig}, a checked immutable value, and
 * the reader that builds it from environment variables and the files they name. Depends on no other
 * part of the server.
 */
package dev.mia.server.config;
