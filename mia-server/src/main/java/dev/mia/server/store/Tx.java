package dev.mia.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One transaction of the {@link GroupCommitWriter}: its connection, the statements its writes
 * prepare (each SQL text once for as long as the writer keeps the connection), and the change in
 * the number of sessions it makes, which the store takes in once it commits. Confined to the writer
 * thread.
 */
final class Tx {
  private final Connection connection;
  private final Map<String, PreparedStatement> statements;
  private final long sessionsBefore;
  private boolean recounted;
  private long sessionsBase;
  private long sessionsDelta;

  /** A transaction with statements of its own, which {@link #closeStatements} closes. */
  Tx(Connection connection, long sessionsBefore) {
    this(connection, new HashMap<>(), sessionsBefore);
  }

  /**
   * A transaction preparing its statements into {@code statements}, which the caller keeps for
   * later transactions on the same connection (preparing SQL is a large part of a small write's
   * cost) and closes itself.
   */
  Tx(Connection connection, Map<String, PreparedStatement> statements, long sessionsBefore) {
    this.connection = connection;
    this.statements = statements;
    this.sessionsBefore = sessionsBefore;
  }

  /** {@return a prepared statement for {@code sql}, the same one for every use} */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  /** Records that this transaction added ({@code delta > 0}) or deleted sessions. */
  void sessionsChanged(long delta) {
    sessionsDelta += delta;
  }

  /** Records that the database holds {@code count} sessions now, as counted in this transaction. */
  void sessionsCounted(long count) {
    recounted = true;
    sessionsBase = count;
    sessionsDelta = 0;
  }

  /** {@return how many sessions the database holds, as far as this transaction knows} */
  long sessions() {
    return (recounted ? sessionsBase : sessionsBefore) + sessionsDelta;
  }

  /** Closes the statements; the connection stays open. */
  void closeStatements() {
    closeAll(statements);
  }

  /** Closes {@code statements} and empties the map. */
  static void closeAll(Map<String, PreparedStatement> statements) {
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException e) {
        // Closing the connection, or returning it to the pool, closes it anyway.
      }
    }
    statements.clear();
  }
}
