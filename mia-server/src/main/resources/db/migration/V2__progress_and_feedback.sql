-- What a session gathers besides its history: progress markers (a finished guided exercise) and
-- the user's feedback. Both go with their session (ON DELETE CASCADE); both read oldest first.

CREATE TABLE progress_markers (
    session_id        VARCHAR(128)     NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    marker_id         VARCHAR(64)      NOT NULL PRIMARY KEY,
    marker_type       VARCHAR(32)      NOT NULL,
    description       TEXT             NOT NULL,
    achieved_at       BIGINT           NOT NULL,
    therapeutic_value DOUBLE PRECISION NOT NULL CHECK (therapeutic_value BETWEEN 0 AND 1)
);
CREATE INDEX progress_markers_by_session ON progress_markers (session_id, achieved_at);

CREATE TABLE feedback (
    session_id VARCHAR(128) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq        BIGINT       NOT NULL,
    rating     SMALLINT     NOT NULL CHECK (rating BETWEEN 1 AND 5),
    text       TEXT,
    given_at   BIGINT       NOT NULL,
    PRIMARY KEY (session_id, seq)
);
