-- The audit trail: one row per create, change, approval, decision and token change,
-- written in the same transaction as the change. Rows are hash-chained: each holds the
-- SHA-256 of the previous row's hash followed by its own canonical text (see
-- audit_canonical_text), so altering or removing a row breaks every hash after it.
-- `lotgate audit verify` recomputes the chain.
CREATE TABLE audit_events (
    seq          bigint PRIMARY KEY,
    at           timestamptz NOT NULL,
    -- The token that made the change; NULL for the command line (`lotgate token create`,
    -- `lotgate demo`).
    token_id     uuid REFERENCES api_tokens (id),
    actor        text NOT NULL,
    role         text,
    action       text NOT NULL,
    entity       text NOT NULL,
    entity_id    text NOT NULL,
    old_value    jsonb,
    new_value    jsonb,
    reason       text,
    prev_sha256  bytea NOT NULL CHECK (length(prev_sha256) = 32),
    sha256       bytea NOT NULL UNIQUE CHECK (length(sha256) = 32)
);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id, seq);
CREATE INDEX audit_events_token ON audit_events (token_id, seq);
CREATE INDEX audit_events_at ON audit_events (at, seq);

-- The text a row's hash covers: every field as "<octet length>:<value>" (or "-" for
-- NULL) on its own line, so no two different rows share a text. Timestamps in UTC with
-- microseconds; JSON in PostgreSQL's jsonb text form.
CREATE FUNCTION audit_canonical_text(e audit_events) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(coalesce(octet_length(f)::text || ':' || f, '-'), E'\n' ORDER BY i)
    FROM unnest(ARRAY[
        e.seq::text,
        to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.token_id::text,
        e.actor,
        e.role,
        e.action,
        e.entity,
        e.entity_id,
        e.old_value::text,
        e.new_value::text,
        e.reason
    ]) WITH ORDINALITY AS t(f, i)
$$;

-- Appends to the chain. Writers are serialised by a transaction-scoped advisory lock, so
-- the sequence has no gaps and each row links to the one committed before it. A row that
-- arrives with its chain fields filled (a restore) is accepted only if it links up.
CREATE FUNCTION audit_append() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_seq  bigint;
    last_hash bytea;
    expected  bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('lotgate.audit_events'));
    SELECT seq, sha256 INTO last_seq, last_hash FROM audit_events ORDER BY seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    last_hash := coalesce(last_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    IF NEW.sha256 IS NOT NULL THEN
        expected := sha256(last_hash || convert_to(audit_canonical_text(NEW), 'UTF8'));
        IF NEW.seq IS DISTINCT FROM last_seq + 1 OR NEW.prev_sha256 IS DISTINCT FROM last_hash
           OR NEW.sha256 IS DISTINCT FROM expected THEN
            RAISE EXCEPTION 'audit row % does not link to the chain', NEW.seq
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    NEW.seq := last_seq + 1;
    NEW.at := date_trunc('microseconds', clock_timestamp());
    NEW.prev_sha256 := last_hash;
    NEW.sha256 := sha256(last_hash || convert_to(audit_canonical_text(NEW), 'UTF8'));
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_append();

CREATE FUNCTION refuse_change_of_audit_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is not allowed',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_audit_event();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_audit_event();
