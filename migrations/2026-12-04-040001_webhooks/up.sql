-- Webhooks (issue 18, item 4): endpoints an admin registers for events, and a
-- transactional outbox. A use case that changes something writes its event, and one
-- delivery per subscribed endpoint, in its own transaction: a committed change always
-- has its event, a rolled-back one never has. The deliverer of `lotgate serve` claims
-- due deliveries with FOR UPDATE SKIP LOCKED, posts them, and logs every attempt.

CREATE TABLE webhooks (
    id          uuid PRIMARY KEY,
    url         text NOT NULL CHECK (url ~ '^https?://[^/?#[:space:]]+' AND length(url) <= 2000),
    -- Event types the endpoint receives, e.g. {lot.decided, ncr.opened}.
    events      text[] NOT NULL CHECK (cardinality(events) >= 1),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    -- The signing key (HMAC-SHA256). Kept in clear: each delivery is signed with it. It
    -- is shown once, in the answer to the creation, and never read back by the API.
    secret      text NOT NULL CHECK (length(secret) >= 32),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    created_by  uuid REFERENCES api_tokens (id),
    updated_at  timestamptz NOT NULL
);

-- The outbox: one row per event that at least one active endpoint subscribed to when it
-- happened. Append-only.
CREATE TABLE webhook_events (
    id          uuid PRIMARY KEY,
    event_type  text NOT NULL,
    occurred_at timestamptz NOT NULL,
    data        jsonb NOT NULL
);

-- One delivery per endpoint and event. `pending` deliveries are due at
-- `next_attempt_at`; a claimed one has it moved past the attempt's timeout (its lease),
-- so a deliverer that dies mid-attempt leaves it to be tried again.
CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    webhook_id      uuid NOT NULL REFERENCES webhooks (id),
    event_id        uuid NOT NULL REFERENCES webhook_events (id),
    status          text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (webhook_id, event_id),
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL)),
    CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of_webhook ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

-- The delivery log: every attempt, with what the endpoint answered or why it failed.
CREATE TABLE webhook_delivery_attempts (
    delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id),
    attempt     integer NOT NULL CHECK (attempt >= 1),
    started_at  timestamptz NOT NULL,
    duration_ms integer NOT NULL CHECK (duration_ms >= 0),
    status_code integer,
    error       text,
    PRIMARY KEY (delivery_id, attempt)
);

-- Wakes the deliverers (LISTEN lotgate_webhooks) when a delivery becomes due now: a new
-- one, or one sent again. NOTIFY is sent at commit, and not at all on a rollback.
CREATE FUNCTION webhook_delivery_due() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lotgate_webhooks', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_delivery_due
    AFTER INSERT OR UPDATE OF next_attempt_at ON webhook_deliveries
    FOR EACH ROW
    WHEN (NEW.status = 'pending' AND NEW.next_attempt_at <= now())
    EXECUTE FUNCTION webhook_delivery_due();
