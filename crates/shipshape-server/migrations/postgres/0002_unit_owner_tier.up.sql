-- shipshape serve, schema 2: a unit's owner (team) and tier, as its latest
-- report declares them (shipshape.toml, CODEOWNERS), for filters and summaries.
ALTER TABLE units ADD COLUMN owner TEXT;
ALTER TABLE units ADD COLUMN tier BIGINT;
CREATE INDEX units_by_owner ON units (owner);
