-- shipshape serve, schema 6 (the dashboard): each unit's score per area in each
-- report, as the report states it (heat map, charts over time); an index for
-- the level distribution over time; and people's sign-in sessions
-- (only the SHA-256 of a session id is stored, with its CSRF token).
CREATE TABLE area_scores (
    report_id  BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    area       TEXT   NOT NULL,
    score      DOUBLE PRECISION,
    PRIMARY KEY (report_id, unit_id, area)
);
CREATE INDEX area_scores_by_unit ON area_scores (unit_id, report_id);
-- The fleet's level distribution over time finds "the last report by then".
CREATE INDEX reports_by_time ON reports (received_at);

CREATE TABLE sessions (
    id          BIGSERIAL PRIMARY KEY,
    hash        BYTEA   NOT NULL UNIQUE,
    token_id    BIGINT  NOT NULL REFERENCES tokens(id),
    csrf        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
