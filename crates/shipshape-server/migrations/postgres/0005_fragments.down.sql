-- shipshape serve, schema 5 undone: check results as (report, unit, check id,
-- outcome, severity) rows again; fragments and findings go. Bodies stored as
-- fragments (body_format 2) cannot be read by a server of schema 4.
CREATE TABLE check_results_v4 (
    report_id  BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    check_id   TEXT   NOT NULL,
    outcome    TEXT   NOT NULL,
    severity   TEXT   NOT NULL,
    PRIMARY KEY (report_id, unit_id, check_id)
);
INSERT INTO check_results_v4 (report_id, unit_id, check_id, outcome, severity)
    SELECT cr.report_id, cr.unit_id, c.check_id, f.outcome, f.severity FROM check_results cr
    JOIN fragments f ON f.id = cr.fragment_id JOIN checks c ON c.id = f.check_ref;
DROP INDEX IF EXISTS check_results_by_fragment;
DROP TABLE check_results;
ALTER TABLE check_results_v4 RENAME TO check_results;
CREATE INDEX check_results_by_check ON check_results (check_id, outcome);
DROP TABLE IF EXISTS findings;
DROP INDEX IF EXISTS fragments_by_check;
DROP TABLE IF EXISTS fragments;
ALTER TABLE reports DROP COLUMN body_format;
