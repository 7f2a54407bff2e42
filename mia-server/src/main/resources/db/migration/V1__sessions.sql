-- The durable session store (dev.mia.server.store.JdbcSessionStore). One schema for SQLite and
-- PostgreSQL: only types and statements both understand. Times are epoch milliseconds.

-- One row per conversation. updated_at is the session's own time (Session.updatedAt, from its
-- messages); written_at is the store's clock at the last write, which idle expiry compares with the
-- TTL. last_seq is the last place given to a message of the session.
CREATE TABLE sessions (
    id          VARCHAR(128) NOT NULL PRIMARY KEY,
    user_id     TEXT         NOT NULL,
    age         INTEGER,
    mode        VARCHAR(32)  NOT NULL,
    safety_tier SMALLINT     NOT NULL CHECK (safety_tier BETWEEN 1 AND 3),
    status      VARCHAR(16)  NOT NULL CHECK (status IN ('ACTIVE', 'CLOSED')),
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL,
    written_at  BIGINT       NOT NULL,
    last_seq    BIGINT       NOT NULL
);

-- The expiry sweep: sessions not written since a time.
CREATE INDEX sessions_by_written_at ON sessions (written_at);

-- A history in order is ORDER BY seq, is_reply: each accepted message takes the session's next
-- seq, and the reply that settles it is stored under the same seq with is_reply true, so it reads
-- right after the message it answers however many messages were accepted meanwhile. A reply with
-- no message owed takes a seq of its own. node_id is the process that accepted the message, whose
-- heartbeat (nodes) tells whether a PENDING message is still being answered.
CREATE TABLE messages (
    session_id VARCHAR(128) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq        BIGINT       NOT NULL,
    is_reply   BOOLEAN      NOT NULL,
    role       VARCHAR(16)  NOT NULL CHECK (role IN ('USER', 'ASSISTANT')),
    content    TEXT         NOT NULL,
    created_at BIGINT       NOT NULL,
    status     VARCHAR(16)  NOT NULL CHECK (status IN ('COMPLETE', 'PENDING', 'INTERRUPTED')),
    node_id    VARCHAR(64),
    PRIMARY KEY (session_id, seq, is_reply)
);

-- The messages still owed, a few rows whatever the histories' length: settle finds a session's
-- oldest one here, and the heartbeat those of processes that stopped.
CREATE INDEX messages_owed ON messages (session_id, seq) WHERE status = 'PENDING';

-- One row per live store process, its heartbeat refreshed every few seconds.
CREATE TABLE nodes (
    id           VARCHAR(64) NOT NULL PRIMARY KEY,
    heartbeat_at BIGINT      NOT NULL
);
