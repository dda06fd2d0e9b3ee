-- shipshape serve, schema 1 undone: drops every table of 0001_init.up.sql,
-- dependents first. Rolling back to before the server existed loses its data:
-- take a backup first.
DROP INDEX IF EXISTS audit_log_by_time;
DROP TABLE IF EXISTS audit_log;
DROP TABLE IF EXISTS tokens;
DROP INDEX IF EXISTS check_results_by_check;
DROP TABLE IF EXISTS check_results;
DROP INDEX IF EXISTS unit_reports_by_unit;
DROP TABLE IF EXISTS unit_reports;
DROP TABLE IF EXISTS reports;
DROP TABLE IF EXISTS units;
DROP TABLE IF EXISTS repositories;
