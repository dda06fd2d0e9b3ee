-- shipshape serve, schema 4 undone: campaigns, snapshots, the check catalog and leases go.
DROP INDEX IF EXISTS units_by_tier;
DROP TABLE IF EXISTS leases;
DROP TABLE IF EXISTS checks;
DROP TABLE IF EXISTS campaign_snapshots;
DROP TABLE IF EXISTS campaigns;
