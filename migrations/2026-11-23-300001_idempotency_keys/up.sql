-- Responses kept for the Idempotency-Key header (IETF httpapi draft): a repeated POST
-- with the same key gets the stored response instead of doing the work twice.
CREATE TABLE idempotency_keys (
    key            text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    request_sha256 text NOT NULL,            -- method, path, query and body of the first request
    status         smallint,                 -- NULL while the first request is in flight
    content_type   text,
    location       text,
    body           bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    completed_at   timestamptz
);
-- Keys are kept at least 24 hours; older ones are removed by age.
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
