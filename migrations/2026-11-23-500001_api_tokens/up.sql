-- API tokens: each belongs to a person or a device and has one role. Only a SHA-256 of
-- the token is kept; the token itself is shown once, when it is created.
CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    holder        text NOT NULL CHECK (holder IN ('person', 'device')),
    role          text NOT NULL CHECK (role IN ('inspector', 'reviewer', 'admin')),
    token_sha256  bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- The token that created this one; NULL when made with `lotgate token create`.
    created_by    uuid REFERENCES api_tokens (id),
    revoked_at    timestamptz,
    revoked_by    uuid REFERENCES api_tokens (id),
    last_used_at  timestamptz
);

-- An idempotency key belongs to the client that sent it: the stored key is the token's id
-- and the client's key, so two tablets may pick the same key without seeing each other's
-- responses.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_key_check;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_key_check
    CHECK (length(key) BETWEEN 1 AND 300);
