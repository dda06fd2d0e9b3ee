-- shipshape serve, schema 8 undone: the latest failures go (derived data).
DROP TABLE IF EXISTS latest_failures;
