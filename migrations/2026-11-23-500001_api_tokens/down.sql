DELETE FROM idempotency_keys WHERE length(key) > 255;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_key_check;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_key_check
    CHECK (length(key) BETWEEN 1 AND 255);
DROP TABLE api_tokens;
