-- shipshape serve, SQLite schema 1: repositories, units, reports, check results,
-- tokens and the audit log. migrations/postgres/0001_init.up.sql must give the same
-- tables and columns (a test compares them). Times are Unix seconds.

CREATE TABLE repositories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE units (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    repository_id    BIGINT  NOT NULL REFERENCES repositories(id),
    path             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    latest_report_id BIGINT,
    level            TEXT,
    score            DOUBLE PRECISION,
    UNIQUE (repository_id, path)
);

CREATE TABLE reports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    repository_id  BIGINT  NOT NULL REFERENCES repositories(id),
    digest         TEXT    NOT NULL,
    commit_sha     TEXT    NOT NULL,
    git_ref        TEXT    NOT NULL,
    ci_run_url     TEXT,
    received_at    BIGINT  NOT NULL,
    command        TEXT    NOT NULL,
    generated_at   TEXT    NOT NULL,
    level          TEXT,
    score          DOUBLE PRECISION,
    body           BLOB    NOT NULL,
    body_size      BIGINT  NOT NULL,
    token_id       BIGINT,
    UNIQUE (repository_id, digest)
);

CREATE TABLE unit_reports (
    report_id  BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    level      TEXT,
    score      DOUBLE PRECISION,
    PRIMARY KEY (report_id, unit_id)
);
CREATE INDEX unit_reports_by_unit ON unit_reports (unit_id, report_id);

CREATE TABLE check_results (
    report_id  BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    check_id   TEXT   NOT NULL,
    outcome    TEXT   NOT NULL,
    severity   TEXT   NOT NULL,
    PRIMARY KEY (report_id, unit_id, check_id)
);
CREATE INDEX check_results_by_check ON check_results (check_id, outcome);

CREATE TABLE tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL,
    hash          BLOB    NOT NULL UNIQUE,
    scope         TEXT    NOT NULL,
    repo_glob     TEXT,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        BIGINT  NOT NULL,
    token_id  BIGINT,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at);
