-- shipshape serve, schema 8: the `fail`/`error` results of each unit's latest
-- report, kept by the upload that makes a report the latest (same transaction),
-- so the teams roll-up groups a few rows per unit instead of joining every
-- latest result through its fragment.
CREATE TABLE latest_failures (
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    check_ref  BIGINT NOT NULL REFERENCES checks(id),
    severity   TEXT   NOT NULL,
    outcome    TEXT   NOT NULL,
    PRIMARY KEY (unit_id, check_ref)
);

INSERT INTO latest_failures (unit_id, check_ref, severity, outcome)
SELECT cr.unit_id, f.check_ref, MIN(f.severity), MIN(f.outcome)
FROM units u
JOIN check_results cr ON cr.report_id = u.latest_report_id AND cr.unit_id = u.id
JOIN fragments f ON f.id = cr.fragment_id
WHERE f.outcome IN ('fail', 'error')
GROUP BY cr.unit_id, f.check_ref;
