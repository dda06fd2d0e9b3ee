-- shipshape serve, schema 7: webhook notifications through an outbox.
-- An admin registers webhooks (`shipshape serve webhook add`); an upload that
-- drops a unit's level or brings a new critical failure on a default branch,
-- and the background job (waivers expired, campaign deadlines near) write an
-- event and one delivery per subscribed webhook in the same transaction as what
-- caused it; a worker delivers them later with retries (times in milliseconds),
-- recording each attempt. A delivery is claimed by one replica at a time.
CREATE TABLE webhooks (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT   NOT NULL,
    url         TEXT   NOT NULL,
    -- Comma-separated event kinds this webhook receives.
    events      TEXT   NOT NULL,
    created_by  TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE webhook_events (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT   NOT NULL,
    -- Set for events the background job raises, so each is raised once.
    dedup_key   TEXT   UNIQUE,
    payload     TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               BIGSERIAL PRIMARY KEY,
    event_id         BIGINT NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
    webhook_id       BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    -- pending, delivered or failed (gave up).
    state            TEXT   NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_ms  BIGINT NOT NULL,
    claimed_by       TEXT,
    claimed_until_ms BIGINT,
    delivered_at_ms  BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_ms);

CREATE TABLE webhook_attempts (
    delivery_id  BIGINT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    at_ms        BIGINT NOT NULL,
    holder       TEXT   NOT NULL,
    -- The HTTP status, or NULL when no answer came (the error says why).
    status       BIGINT,
    error        TEXT,
    PRIMARY KEY (delivery_id, seq)
);
