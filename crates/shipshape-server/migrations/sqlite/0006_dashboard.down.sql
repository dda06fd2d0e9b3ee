-- shipshape serve, schema 6 undone: sessions and area scores go.
DROP INDEX IF EXISTS sessions_by_expiry;
DROP TABLE IF EXISTS sessions;
DROP INDEX IF EXISTS reports_by_time;
DROP INDEX IF EXISTS area_scores_by_unit;
DROP TABLE IF EXISTS area_scores;
