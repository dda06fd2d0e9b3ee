-- shipshape serve, schema 2 undone: units lose their owner and tier.
DROP INDEX IF EXISTS units_by_owner;
ALTER TABLE units DROP COLUMN tier;
ALTER TABLE units DROP COLUMN owner;
