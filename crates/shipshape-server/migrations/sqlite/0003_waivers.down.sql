-- shipshape serve, schema 3 undone: the waivers table goes.
DROP INDEX IF EXISTS waivers_by_expiry;
DROP TABLE IF EXISTS waivers;
