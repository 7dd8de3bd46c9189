-- A token may be bound to one supplier: it then sees and writes only that supplier's
-- lots, inspections, photos and statistics, and never records in-house inspections.
-- NULL: not bound (the startup's own people and devices).
ALTER TABLE api_tokens
    ADD COLUMN supplier_id uuid REFERENCES suppliers (id);

-- An admin manages every supplier's tokens and master data, so a binding would mean
-- nothing: refused rather than half-enforced.
ALTER TABLE api_tokens
    ADD CONSTRAINT api_tokens_admin_not_bound CHECK (supplier_id IS NULL OR role <> 'admin');

CREATE INDEX api_tokens_supplier_id ON api_tokens (supplier_id) WHERE supplier_id IS NOT NULL;

-- A binding is fixed when the token is made: caches of valid tokens keep it without
-- being told of changes, and audit rows are read with the binding of their token.
CREATE FUNCTION api_tokens_binding_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the supplier a token is bound to cannot change'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER api_tokens_binding_fixed
    BEFORE UPDATE ON api_tokens
    FOR EACH ROW
    WHEN (OLD.supplier_id IS DISTINCT FROM NEW.supplier_id)
    EXECUTE FUNCTION api_tokens_binding_fixed();
