/**
 * Durable session stores: {@link dev.mia.server.store.JdbcSessionStore}, mia-core's {@link
 * dev.mia.core.session.SessionStore} in SQLite (embedded, a file) or PostgreSQL (shared by several
 * processes), configured by a {@link dev.mia.server.store.JdbcStoreConfig}.
 *
 * <p>Inside: one writer thread that commits queued writes in groups ({@code GroupCommitWriter}),
 * the SQL both databases share ({@code SessionRows}), and the pool and schema migrations ({@code
 * Databases}, Flyway scripts in {@code db/migration}). Uses no other room of the server.
 */
package dev.mia.server.store;
