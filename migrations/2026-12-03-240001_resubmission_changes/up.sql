-- A resubmission is a change to its lot's inputs (issue 14, item 1): the lot's latest
-- decision did not see it, so it becomes stale and names the resubmission, as it does for
-- an inspection or a lot correction. The number is drawn by the database as the row is
-- inserted, under the lot row's lock that recording a resubmission holds. Resubmissions
-- recorded before this migration keep no number (NULL): decisions made since saw them.
ALTER TABLE resubmissions ADD COLUMN lot_change integer CHECK (lot_change >= 1);
CREATE UNIQUE INDEX resubmissions_lot_change ON resubmissions (lot_id, lot_change);

CREATE FUNCTION resubmission_numbers_lot_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.lot_change := lot_input_changed(NEW.lot_id);
    IF NEW.lot_change IS NULL THEN
        RAISE EXCEPTION 'no lot with id %', NEW.lot_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER resubmissions_number_lot_change BEFORE INSERT ON resubmissions
    FOR EACH ROW EXECUTE FUNCTION resubmission_numbers_lot_change();
