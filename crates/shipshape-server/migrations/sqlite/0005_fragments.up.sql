-- shipshape serve, schema 5: check results as fragments. Each distinct check
-- result (its canonical JSON: id, outcome, severity, summary, findings…) is stored
-- once, deflate-compressed, in `fragments`; a report's body keeps the rest of the
-- report with each check result replaced by its fragment's id (body_format 2), and
-- `check_results` becomes (report, unit, fragment). Daily reports of a unit mostly
-- repeat yesterday's results, so most uploads add no fragment at all. Findings are
-- rows of their fragment (file, line, message), stored once per distinct result.
-- Existing results get body-less fragments keyed `legacy:CHECK:OUTCOME:SEVERITY`;
-- existing bodies stay whole (body_format 1).
CREATE TABLE fragments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    digest     TEXT   NOT NULL UNIQUE,
    check_ref  BIGINT NOT NULL REFERENCES checks(id),
    outcome    TEXT   NOT NULL,
    severity   TEXT   NOT NULL,
    body       BLOB
);
CREATE INDEX fragments_by_check ON fragments (check_ref, outcome);

CREATE TABLE findings (
    fragment_id  BIGINT NOT NULL REFERENCES fragments(id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    path         TEXT,
    line         BIGINT,
    message      TEXT   NOT NULL,
    PRIMARY KEY (fragment_id, seq)
) WITHOUT ROWID;

ALTER TABLE reports ADD COLUMN body_format BIGINT NOT NULL DEFAULT 1;

INSERT INTO checks (check_id, title, area, severity)
    SELECT check_id, check_id, substr(check_id, 1, instr(check_id, '/') - 1), MIN(severity) FROM check_results
    WHERE check_id NOT IN (SELECT check_id FROM checks) GROUP BY check_id;
INSERT INTO fragments (digest, check_ref, outcome, severity)
    SELECT 'legacy:' || d.check_id || ':' || d.outcome || ':' || d.severity, c.id, d.outcome, d.severity
    FROM (SELECT DISTINCT check_id, outcome, severity FROM check_results) d
    JOIN checks c ON c.check_id = d.check_id;

CREATE TABLE check_results_v5 (
    report_id    BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    fragment_id  BIGINT NOT NULL REFERENCES fragments(id),
    PRIMARY KEY (report_id, unit_id, fragment_id)
) WITHOUT ROWID;
INSERT INTO check_results_v5 (report_id, unit_id, fragment_id)
    SELECT cr.report_id, cr.unit_id, f.id FROM check_results cr
    JOIN fragments f ON f.digest = 'legacy:' || cr.check_id || ':' || cr.outcome || ':' || cr.severity;
DROP INDEX check_results_by_check;
DROP TABLE check_results;
ALTER TABLE check_results_v5 RENAME TO check_results;
-- A unit's history of one check ("since when"), and which reports use a fragment
-- (retention drops fragments no report uses).
CREATE INDEX check_results_by_fragment ON check_results (fragment_id, unit_id, report_id);
