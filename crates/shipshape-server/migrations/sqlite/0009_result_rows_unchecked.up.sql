-- shipshape serve, schema 9 (PostgreSQL drops the foreign keys of check_results and
-- area_scores, whose per-row triggers were most of an upload's time there). SQLite
-- checks foreign keys inline, at the cost of an index probe, and keeps them; this
-- version exists so that both backends number their schemas alike.
SELECT 1;
