-- shipshape serve, schema 9: check results and area scores without foreign keys.
-- PostgreSQL checks a foreign key with a trigger per inserted row (a query and a
-- KEY SHARE lock on the parent row); an upload inserts 70-odd check results, so
-- their three keys were most of an upload's database time, and the shared locks
-- on fragments every upload re-uses turned into multixacts under concurrency.
-- The rows stay consistent by construction instead:
--   * the upload inserts them in the transaction that created their report and
--     upserted their unit, with fragment ids it has just read or inserted, under
--     a shared advisory lock (7315019) that retention's fragment sweep takes
--     exclusively, so no fragment an upload uses can be swept under it;
--   * retention deletes a dropped report's check results and area scores with
--     the report (what ON DELETE CASCADE did).
-- SQLite checks foreign keys inline, at the cost of an index probe, and keeps them.
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
             WHERE contype = 'f' AND conrelid IN ('check_results'::regclass, 'area_scores'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
    END LOOP;
END $$;
