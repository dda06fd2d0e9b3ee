-- shipshape serve, schema 9 undone: nothing changed on SQLite.
SELECT 1;
