-- Resubmitted lots (ISO 2859-1 7.6): a lot not accepted on its original inspection whose
-- every item the supplier has re-examined or retested, removing or correcting the
-- nonconforming ones (sorted or reworked), inspected again. A reviewer records the
-- resubmission with the reason, what the supplier did and the severity chosen for it
-- (tightened unless the responsible authority chooses normal); one sampling inspection
-- is then recorded against it. Both tables are append-only.
CREATE TABLE resubmissions (
    id          uuid PRIMARY KEY,
    lot_id      uuid NOT NULL REFERENCES lots (id),
    reason      text NOT NULL CHECK (btrim(reason) <> ''),
    action      text NOT NULL CHECK (action IN ('sorted', 'reworked')),
    severity    text NOT NULL CHECK (severity IN ('tightened', 'normal')),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resubmissions_lot ON resubmissions (lot_id, recorded_at);

-- The inspection of a resubmission, and every correction of it: a correction of the
-- resubmission's inspection stays the resubmission's.
CREATE TABLE resubmission_inspections (
    inspection_id   uuid PRIMARY KEY REFERENCES inspections (id),
    resubmission_id uuid NOT NULL REFERENCES resubmissions (id)
);
CREATE INDEX resubmission_inspections_resubmission ON resubmission_inspections (resubmission_id);

CREATE FUNCTION refuse_change_of_resubmission() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'resubmissions are append-only: % on % is not allowed',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER resubmissions_immutable BEFORE UPDATE OR DELETE ON resubmissions
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_resubmission();
CREATE TRIGGER resubmissions_no_truncate BEFORE TRUNCATE ON resubmissions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_resubmission();
CREATE TRIGGER resubmission_inspections_immutable BEFORE UPDATE OR DELETE ON resubmission_inspections
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_resubmission();
CREATE TRIGGER resubmission_inspections_no_truncate BEFORE TRUNCATE ON resubmission_inspections
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_resubmission();
