-- Lot corrections (issue 14, item 2): a reviewer corrects a lot's number, size or
-- production date with a reason. The audit trail holds the lot before and after; this
-- table says which of the lot's numbered input changes was a correction of the lot, so
-- that a decision made stale by it can name it. `lot_change` is NULL when the lot had
-- no inspection yet: a correction of a lot nothing was recorded against changes no
-- evidence and leaves it registered. Append-only.
CREATE TABLE lot_corrections (
    id           uuid PRIMARY KEY,
    lot_id       uuid NOT NULL REFERENCES lots (id),
    lot_change   integer CHECK (lot_change >= 1),
    fields       text[] NOT NULL CHECK (cardinality(fields) >= 1),
    reason       text NOT NULL CHECK (btrim(reason) <> ''),
    corrected_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lot_id, lot_change)
);

CREATE FUNCTION refuse_change_of_lot_correction() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lot corrections are append-only: % on % is not allowed',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER lot_corrections_immutable BEFORE UPDATE OR DELETE ON lot_corrections
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_lot_correction();
CREATE TRIGGER lot_corrections_no_truncate BEFORE TRUNCATE ON lot_corrections
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_lot_correction();
