-- shipshape serve, schema 3: the waivers a report carries (check results that a
-- waiver turned into `waived`), with their expiry, for "expiring soon" lists.
CREATE TABLE waivers (
    report_id   BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    check_id    TEXT   NOT NULL,
    reason      TEXT   NOT NULL,
    owner       TEXT,
    expires     TEXT,
    expires_at  BIGINT,
    PRIMARY KEY (report_id, unit_id, check_id)
);
CREATE INDEX waivers_by_expiry ON waivers (expires_at);
