-- shipshape serve, schema 4: campaigns (a target — a level or a set of checks —
-- over a filter of units, with a deadline), their daily progress snapshots, the
-- check catalog as reports describe it (title, area, severity: for the check and
-- team views), and leases that keep background work to one replica at a time.
-- Teams are not a table: a team is the owner a unit's latest report names.
CREATE TABLE campaigns (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT    NOT NULL,
    description        TEXT    NOT NULL,
    target_level       TEXT,
    target_checks      TEXT,
    filter_tier        BIGINT,
    filter_team        TEXT,
    filter_area        TEXT,
    filter_repository  TEXT,
    deadline           TEXT,
    deadline_at        BIGINT,
    created_by         TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);

CREATE TABLE campaign_snapshots (
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    day          TEXT   NOT NULL,
    taken_at     BIGINT NOT NULL,
    in_scope     BIGINT NOT NULL,
    meeting      BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day)
);

CREATE TABLE checks (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    check_id  TEXT NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    area      TEXT NOT NULL,
    severity  TEXT NOT NULL
);

CREATE TABLE leases (
    name        TEXT   PRIMARY KEY,
    holder      TEXT   NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE INDEX units_by_tier ON units (tier);
