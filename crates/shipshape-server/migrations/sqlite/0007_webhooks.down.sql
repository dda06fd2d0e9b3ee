-- shipshape serve, schema 7 undone: webhooks, their events, deliveries and attempts go.
DROP TABLE IF EXISTS webhook_attempts;
DROP INDEX IF EXISTS webhook_deliveries_due;
DROP TABLE IF EXISTS webhook_deliveries;
DROP TABLE IF EXISTS webhook_events;
DROP TABLE IF EXISTS webhooks;
