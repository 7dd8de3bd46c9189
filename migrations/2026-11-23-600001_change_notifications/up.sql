-- Announces a change to a token's validity on the channel `lotgate_tokens`, so that every
-- running lotgate empties its in-memory cache of valid tokens. NOTIFY is delivered when
-- the transaction commits, and not at all when it rolls back. Noting `last_used_at` is
-- not a change of validity and stays silent.
CREATE FUNCTION api_tokens_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lotgate_tokens', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER api_tokens_validity_changed
    AFTER UPDATE ON api_tokens
    FOR EACH ROW
    WHEN ((OLD.id, OLD.token_sha256, OLD.name, OLD.role, OLD.revoked_at)
          IS DISTINCT FROM (NEW.id, NEW.token_sha256, NEW.name, NEW.role, NEW.revoked_at))
    EXECUTE FUNCTION api_tokens_changed();

CREATE TRIGGER api_tokens_removed
    AFTER DELETE OR TRUNCATE ON api_tokens
    FOR EACH STATEMENT
    EXECUTE FUNCTION api_tokens_changed();

-- Announces a new stored decision on `lotgate_decisions`, so that every running lotgate
-- empties its in-memory copies of decision documents (a new revision becomes the lot's
-- latest). Stored decisions are never updated or deleted (see lot_decisions_immutable).
CREATE FUNCTION lot_decisions_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lotgate_decisions', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER lot_decisions_added
    AFTER INSERT ON lot_decisions
    FOR EACH STATEMENT
    EXECUTE FUNCTION lot_decisions_added();
