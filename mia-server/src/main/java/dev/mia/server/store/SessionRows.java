package dev.mia.server.store;

import dev.mia.core.profile.Mode;
import dev.mia.core.safety.SafetyTier;
import dev.mia.core.session.ChatMessage;
import dev.mia.core.session.Feedback;
import dev.mia.core.session.MessageStatus;
import dev.mia.core.session.ProgressMarker;
import dev.mia.core.session.Role;
import dev.mia.core.session.Session;
import dev.mia.core.session.SessionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The SQL of the store, the same for SQLite and PostgreSQL (see {@code db/migration}). Each write
 * runs inside the writer's transaction ({@link Tx}); a session not written since {@code
 * expiredBefore} counts as absent. A history's order is {@code ORDER BY seq, is_reply}: a message
 * takes the session's next seq, the reply that settles it the same seq.
 */
final class SessionRows {
  private SessionRows() {}

  private static final String FIND =
      "SELECT s.user_id, s.age, s.mode, s.safety_tier, s.status, s.created_at, s.updated_at,"
          + " m.role, m.content, m.created_at, m.status, m.node_id, n.heartbeat_at, s.written_at"
          + " FROM sessions s"
          + " LEFT JOIN messages m ON m.session_id = s.id"
          + " LEFT JOIN nodes n ON n.id = m.node_id AND m.status = 'PENDING'"
          + " WHERE s.id = ? AND s.written_at >= ?"
          + " ORDER BY m.seq, m.is_reply";

  private static final String INSERT_SESSION =
      "INSERT INTO sessions (id, user_id, age, mode, safety_tier, status, created_at, updated_at,"
          + " written_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (id) DO NOTHING";

  private static final String DELETE_IF_EXPIRED =
      "DELETE FROM sessions WHERE id = ? AND written_at < ?";

  private static final String INSERT_MESSAGE =
      "INSERT INTO messages (session_id, seq, is_reply, role, content, created_at, status,"
          + " node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  /** Takes the session's next seq, which says at once whether the session exists. */
  private static final String ACCEPT_SEQ =
      "UPDATE sessions SET last_seq = last_seq + 1, updated_at = ?, written_at = ?"
          + " WHERE id = ? AND written_at >= ? RETURNING last_seq";

  private static final String NEXT_SEQ =
      "UPDATE sessions SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq";

  private static final String TOUCH_WITH_REPLY =
      "UPDATE sessions SET updated_at = ?, written_at = ? WHERE id = ? AND written_at >= ?";

  private static final String TOUCH =
      "UPDATE sessions SET written_at = ? WHERE id = ? AND written_at >= ?";

  /** The oldest message owed by a live process: this one, or one whose heartbeat is fresh. */
  private static final String OLDEST_OWED =
      "SELECT m.seq FROM messages m LEFT JOIN nodes n ON n.id = m.node_id"
          + " WHERE m.session_id = ? AND m.is_reply = FALSE AND m.status = 'PENDING'"
          + " AND (m.node_id = ? OR n.heartbeat_at >= ?)"
          + " ORDER BY m.seq LIMIT 1";

  private static final String COMPLETE_OWED =
      "UPDATE messages SET status = 'COMPLETE' WHERE session_id = ? AND seq = ? AND is_reply = FALSE";

  private static final String RECORD_PROFILE =
      "UPDATE sessions SET age = COALESCE(?, age), mode = ?,"
          + " safety_tier = COALESCE(?, safety_tier), updated_at = ?, written_at = ?"
          + " WHERE id = ? AND written_at >= ?";

  private static final String SWEEP =
      "DELETE FROM sessions WHERE id IN"
          + " (SELECT id FROM sessions WHERE written_at < ? ORDER BY written_at LIMIT ?)";

  private static final String COUNT = "SELECT COUNT(*) FROM sessions";

  private static final String BEAT = "UPDATE nodes SET heartbeat_at = ? WHERE id = ?";

  private static final String REGISTER = "INSERT INTO nodes (id, heartbeat_at) VALUES (?, ?)";

  private static final String LEAVE = "DELETE FROM nodes WHERE id = ?";

  private static final String INTERRUPT_OTHERS =
      "UPDATE messages SET status = 'INTERRUPTED'"
          + " WHERE status = 'PENDING' AND (node_id IS NULL OR node_id <> ?)";

  private static final String FORGET_OTHERS = "DELETE FROM nodes WHERE id <> ?";

  private static final String INTERRUPT_STALE =
      "UPDATE messages SET status = 'INTERRUPTED'"
          + " WHERE status = 'PENDING' AND (node_id IS NULL OR (node_id <> ? AND node_id NOT IN"
          + " (SELECT id FROM nodes WHERE heartbeat_at >= ?)))";

  private static final String INSERT_PROGRESS =
      "INSERT INTO progress_markers (session_id, marker_id, marker_type, description, achieved_at,"
          + " therapeutic_value) VALUES (?, ?, ?, ?, ?, ?)";

  private static final String PROGRESS =
      "SELECT marker_id, marker_type, description, achieved_at, therapeutic_value"
          + " FROM progress_markers p JOIN sessions s ON s.id = p.session_id"
          + " WHERE p.session_id = ? AND s.written_at >= ? ORDER BY achieved_at, marker_id";

  private static final String INSERT_FEEDBACK =
      "INSERT INTO feedback (session_id, seq, rating, text, given_at) SELECT ?,"
          + " COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM feedback WHERE session_id = ?";

  private static final String FEEDBACK =
      "SELECT rating, text, given_at FROM feedback f JOIN sessions s ON s.id = f.session_id"
          + " WHERE f.session_id = ? AND s.written_at >= ? ORDER BY seq";

  private static final String FORGET_STALE = "DELETE FROM nodes WHERE id <> ? AND heartbeat_at < ?";

  /** A session as read, and when it was last written (what its time to live counts from). */
  record Found(Session session, long writtenAt) {}

  /**
   * {@return the session {@code sessionId} as of now} A {@link MessageStatus#PENDING} message of
   * another process whose heartbeat is older than {@code liveSince}, or gone, reads as {@link
   * MessageStatus#INTERRUPTED}. One statement, so one consistent snapshot.
   */
  static Optional<Found> find(
      Connection connection, String sessionId, long expiredBefore, String nodeId, long liveSince)
      throws SQLException {
    try (PreparedStatement find = connection.prepareStatement(FIND)) {
      find.setString(1, sessionId);
      find.setLong(2, expiredBefore);
      try (ResultSet rows = find.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        String userId = rows.getString(1);
        int age = rows.getInt(2);
        OptionalInt stated = rows.wasNull() ? OptionalInt.empty() : OptionalInt.of(age);
        Mode mode = Mode.valueOf(rows.getString(3));
        SafetyTier tier = SafetyTier.ofLevel(rows.getInt(4));
        SessionStatus status = SessionStatus.valueOf(rows.getString(5));
        long createdAt = rows.getLong(6);
        long updatedAt = rows.getLong(7);
        long writtenAt = rows.getLong(14);
        List<ChatMessage> history = new ArrayList<>();
        do {
          String role = rows.getString(8);
          if (role == null) {
            break; // no messages: the one row of the outer join
          }
          MessageStatus messageStatus = MessageStatus.valueOf(rows.getString(11));
          if (messageStatus == MessageStatus.PENDING) {
            String node = rows.getString(12);
            long heartbeat = rows.getLong(13);
            boolean live =
                nodeId.equals(node) || (!rows.wasNull() && node != null && heartbeat >= liveSince);
            if (!live) {
              messageStatus = MessageStatus.INTERRUPTED;
            }
          }
          history.add(
              new ChatMessage(
                  Role.valueOf(role), rows.getString(9), rows.getLong(10), messageStatus));
        } while (rows.next());
        return Optional.of(
            new Found(
                new Session(
                    sessionId, userId, history, stated, mode, tier, status, createdAt, updatedAt),
                writtenAt));
      }
    }
  }

  /**
   * Inserts {@code session} with its history; a {@link MessageStatus#PENDING} message in it is owed
   * by {@code nodeId}. {@return false if a session with its id exists}
   */
  static boolean create(Tx tx, Session session, String nodeId, long now) throws SQLException {
    // Places for the history as Session.withSettled would have made it: an assistant message
    // right after a user message answers it (same seq); any other message takes a seq of its own.
    List<ChatMessage> history = session.conversationHistory();
    long[] seqs = new long[history.size()];
    boolean[] replies = new boolean[history.size()];
    long seq = 0;
    boolean answered = true;
    for (int i = 0; i < history.size(); i++) {
      boolean assistant = history.get(i).role() == Role.ASSISTANT;
      if (assistant && !answered) {
        replies[i] = true;
        answered = true;
      } else {
        seq++;
        replies[i] = assistant;
        answered = assistant;
      }
      seqs[i] = seq;
    }
    PreparedStatement insert = tx.prepare(INSERT_SESSION);
    insert.setString(1, session.sessionId());
    insert.setString(2, session.userId());
    if (session.age().isPresent()) {
      insert.setInt(3, session.age().getAsInt());
    } else {
      insert.setNull(3, Types.INTEGER);
    }
    insert.setString(4, session.mode().name());
    insert.setInt(5, session.safetyTier().level());
    insert.setString(6, session.status().name());
    insert.setLong(7, session.createdAt());
    insert.setLong(8, session.updatedAt());
    insert.setLong(9, now);
    insert.setLong(10, seq);
    if (insert.executeUpdate() == 0) {
      return false;
    }
    for (int i = 0; i < history.size(); i++) {
      insertMessage(tx, session.sessionId(), seqs[i], replies[i], history.get(i), nodeId);
    }
    return true;
  }

  /** Deletes the session {@code sessionId} if it has expired. {@return 1 if it did, else 0} */
  static int deleteIfExpired(Tx tx, String sessionId, long expiredBefore) throws SQLException {
    PreparedStatement delete = tx.prepare(DELETE_IF_EXPIRED);
    delete.setString(1, sessionId);
    delete.setLong(2, expiredBefore);
    return delete.executeUpdate();
  }

  /** Keeps a progress marker with the session. {@return whether the session exists} */
  static boolean recordProgress(
      Tx tx, String sessionId, ProgressMarker marker, long now, long expiredBefore)
      throws SQLException {
    if (!touch(tx, sessionId, now, expiredBefore)) {
      return false;
    }
    PreparedStatement insert = tx.prepare(INSERT_PROGRESS);
    insert.setString(1, sessionId);
    insert.setString(2, marker.markerId());
    insert.setString(3, marker.markerType());
    insert.setString(4, marker.description());
    insert.setLong(5, marker.achievedAt());
    insert.setDouble(6, marker.therapeuticValue());
    insert.executeUpdate();
    return true;
  }

  /** Keeps a rating with the session. {@return whether the session exists} */
  static boolean recordFeedback(
      Tx tx, String sessionId, Feedback feedback, long now, long expiredBefore)
      throws SQLException {
    if (!touch(tx, sessionId, now, expiredBefore)) {
      return false;
    }
    PreparedStatement insert = tx.prepare(INSERT_FEEDBACK);
    insert.setString(1, sessionId);
    insert.setInt(2, feedback.rating());
    insert.setString(3, feedback.text().orElse(null));
    insert.setLong(4, feedback.givenAt());
    insert.setString(5, sessionId);
    insert.executeUpdate();
    return true;
  }

  /** {@return the session's progress markers, oldest first} */
  static List<ProgressMarker> progress(Connection connection, String sessionId, long expiredBefore)
      throws SQLException {
    return listOf(
        connection,
        PROGRESS,
        sessionId,
        expiredBefore,
        rows ->
            new ProgressMarker(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getLong(4),
                rows.getDouble(5)));
  }

  /** {@return the session's feedback, oldest first} */
  static List<Feedback> feedback(Connection connection, String sessionId, long expiredBefore)
      throws SQLException {
    return listOf(
        connection,
        FEEDBACK,
        sessionId,
        expiredBefore,
        rows ->
            new Feedback(rows.getInt(1), Optional.ofNullable(rows.getString(2)), rows.getLong(3)));
  }

  /** One row of a query's result, as a value. */
  private interface Row<T> {
    T of(ResultSet rows) throws SQLException;
  }

  /** {@return every row of {@code sql}, asked for the session's id and the expiry time} */
  private static <T> List<T> listOf(
      Connection connection, String sql, String sessionId, long expiredBefore, Row<T> row)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, sessionId);
      select.setLong(2, expiredBefore);
      List<T> list = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          list.add(row.of(rows));
        }
      }
      return list;
    }
  }

  /** Marks the session written now, if it has not expired. {@return whether it exists} */
  private static boolean touch(Tx tx, String sessionId, long now, long expiredBefore)
      throws SQLException {
    PreparedStatement touch = tx.prepare(TOUCH);
    touch.setLong(1, now);
    touch.setString(2, sessionId);
    touch.setLong(3, expiredBefore);
    return touch.executeUpdate() == 1;
  }

  /** Appends {@code message}, owed by {@code nodeId}. {@return whether the session exists} */
  static boolean accept(
      Tx tx, String sessionId, ChatMessage message, String nodeId, long now, long expiredBefore)
      throws SQLException {
    return appendRow(tx, sessionId, message, nodeId, now, expiredBefore);
  }

  /**
   * Appends {@code message}, which owes nothing, under the session's next seq. {@return whether the
   * session exists}
   */
  static boolean append(Tx tx, String sessionId, ChatMessage message, long now, long expiredBefore)
      throws SQLException {
    return appendRow(tx, sessionId, message, null, now, expiredBefore);
  }

  /** Takes the session's next seq for {@code message}, owed by {@code nodeId} unless null. */
  private static boolean appendRow(
      Tx tx, String sessionId, ChatMessage message, String nodeId, long now, long expiredBefore)
      throws SQLException {
    PreparedStatement next = tx.prepare(ACCEPT_SEQ);
    next.setLong(1, message.timestamp());
    next.setLong(2, now);
    next.setString(3, sessionId);
    next.setLong(4, expiredBefore);
    OptionalLong seq = single(next);
    if (seq.isEmpty()) {
      return false;
    }
    insertMessage(tx, sessionId, seq.getAsLong(), false, message, nodeId);
    return true;
  }

  /**
   * Records one message's profile: {@code age} unless empty, {@code mode}, and the tier level
   * {@code alert} unless empty. {@return whether the session exists}
   */
  static boolean recordProfile(
      Tx tx,
      String sessionId,
      OptionalInt age,
      Mode mode,
      OptionalInt alert,
      long updatedAt,
      long now,
      long expiredBefore)
      throws SQLException {
    PreparedStatement update = tx.prepare(RECORD_PROFILE);
    if (age.isPresent()) {
      update.setInt(1, age.getAsInt());
    } else {
      update.setNull(1, Types.INTEGER);
    }
    update.setString(2, mode.name());
    if (alert.isPresent()) {
      update.setInt(3, alert.getAsInt());
    } else {
      update.setNull(3, Types.INTEGER);
    }
    update.setLong(4, updatedAt);
    update.setLong(5, now);
    update.setString(6, sessionId);
    update.setLong(7, expiredBefore);
    return update.executeUpdate() > 0;
  }

  /**
   * Settles the oldest message owed by a live process (this one, or one that beat since {@code
   * liveSince}) and stores {@code reply} right after it, or at the end if none is owed. {@return
   * whether the session exists}
   */
  static boolean settle(
      Tx tx,
      String sessionId,
      Optional<ChatMessage> reply,
      String nodeId,
      long liveSince,
      long now,
      long expiredBefore)
      throws SQLException {
    // First, so that PostgreSQL locks the session's row: settles from two processes take turns.
    PreparedStatement touch;
    if (reply.isPresent()) {
      touch = tx.prepare(TOUCH_WITH_REPLY);
      touch.setLong(1, reply.get().timestamp());
      touch.setLong(2, now);
      touch.setString(3, sessionId);
      touch.setLong(4, expiredBefore);
    } else {
      touch = tx.prepare(TOUCH);
      touch.setLong(1, now);
      touch.setString(2, sessionId);
      touch.setLong(3, expiredBefore);
    }
    if (touch.executeUpdate() == 0) {
      return false;
    }
    PreparedStatement oldest = tx.prepare(OLDEST_OWED);
    oldest.setString(1, sessionId);
    oldest.setString(2, nodeId);
    oldest.setLong(3, liveSince);
    OptionalLong owed = single(oldest);
    if (owed.isPresent()) {
      PreparedStatement complete = tx.prepare(COMPLETE_OWED);
      complete.setString(1, sessionId);
      complete.setLong(2, owed.getAsLong());
      complete.executeUpdate();
    }
    if (reply.isPresent()) {
      long seq;
      if (owed.isPresent()) {
        seq = owed.getAsLong();
      } else {
        PreparedStatement next = tx.prepare(NEXT_SEQ);
        next.setString(1, sessionId);
        seq = single(next).orElseThrow();
      }
      insertMessage(tx, sessionId, seq, true, reply.get(), null);
    }
    return true;
  }

  /**
   * Deletes at most {@code limit} sessions not written since {@code expiredBefore}, oldest first,
   * and their messages. {@return how many}
   */
  static int sweep(Tx tx, long expiredBefore, int limit) throws SQLException {
    PreparedStatement sweep = tx.prepare(SWEEP);
    sweep.setLong(1, expiredBefore);
    sweep.setInt(2, limit);
    return sweep.executeUpdate();
  }

  /** {@return how many sessions the database holds} */
  static long count(Tx tx) throws SQLException {
    return single(tx.prepare(COUNT)).orElseThrow();
  }

  /**
   * Writes the heartbeat of {@code nodeId}. {@return false if it had no heartbeat row, because it
   * is new or because another process took it for gone; the row is made}
   */
  static boolean beat(Tx tx, String nodeId, long now) throws SQLException {
    PreparedStatement beat = tx.prepare(BEAT);
    beat.setLong(1, now);
    beat.setString(2, nodeId);
    if (beat.executeUpdate() > 0) {
      return true;
    }
    PreparedStatement register = tx.prepare(REGISTER);
    register.setString(1, nodeId);
    register.setLong(2, now);
    register.executeUpdate();
    return false;
  }

  /**
   * Marks every message owed by a process other than {@code nodeId} interrupted and forgets those
   * processes. {@return how many messages}
   */
  static int endOtherProcesses(Tx tx, String nodeId) throws SQLException {
    PreparedStatement interrupt = tx.prepare(INTERRUPT_OTHERS);
    interrupt.setString(1, nodeId);
    int interrupted = interrupt.executeUpdate();
    PreparedStatement forget = tx.prepare(FORGET_OTHERS);
    forget.setString(1, nodeId);
    forget.executeUpdate();
    return interrupted;
  }

  /**
   * Marks every message owed by a process that has not beaten since {@code liveSince} (or is gone)
   * interrupted, then forgets those processes. {@return how many messages}
   */
  static int endStaleProcesses(Tx tx, String nodeId, long liveSince) throws SQLException {
    PreparedStatement interrupt = tx.prepare(INTERRUPT_STALE);
    interrupt.setString(1, nodeId);
    interrupt.setLong(2, liveSince);
    int interrupted = interrupt.executeUpdate();
    PreparedStatement forget = tx.prepare(FORGET_STALE);
    forget.setString(1, nodeId);
    forget.setLong(2, liveSince);
    forget.executeUpdate();
    return interrupted;
  }

  /** Removes the heartbeat of {@code nodeId}: what it still owes reads as interrupted. */
  static void leave(Tx tx, String nodeId) throws SQLException {
    PreparedStatement leave = tx.prepare(LEAVE);
    leave.setString(1, nodeId);
    leave.executeUpdate();
  }

  private static void insertMessage(
      Tx tx, String sessionId, long seq, boolean reply, ChatMessage message, String nodeId)
      throws SQLException {
    PreparedStatement insert = tx.prepare(INSERT_MESSAGE);
    insert.setString(1, sessionId);
    insert.setLong(2, seq);
    insert.setBoolean(3, reply);
    insert.setString(4, message.role().name());
    insert.setString(5, message.content());
    insert.setLong(6, message.timestamp());
    insert.setString(7, message.status().name());
    if (message.status() == MessageStatus.PENDING && nodeId != null) {
      insert.setString(8, nodeId);
    } else {
      insert.setNull(8, Types.VARCHAR);
    }
    insert.executeUpdate();
  }

  /** {@return the one number the query gives, if it gives a row} */
  private static OptionalLong single(PreparedStatement query) throws SQLException {
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
    }
  }
}
