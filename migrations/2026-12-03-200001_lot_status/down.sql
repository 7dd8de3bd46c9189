CREATE OR REPLACE FUNCTION lot_decision_records_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lots SET decided_input_changes = input_changes WHERE id = NEW.lot_id
        RETURNING input_changes INTO NEW.input_changes;
    RETURN NEW;
END;
$$;
DROP INDEX lots_by_status;
ALTER TABLE lots DROP COLUMN status;
ALTER TABLE lots DROP CONSTRAINT lots_cancel_has_reason,
    DROP COLUMN cancel_reason, DROP COLUMN cancelled_at, DROP COLUMN released_at,
    DROP COLUMN disposition, DROP COLUMN accepted_on_resubmission, DROP COLUMN verdict;
