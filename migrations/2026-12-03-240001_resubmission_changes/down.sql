DROP TRIGGER resubmissions_number_lot_change ON resubmissions;
DROP FUNCTION resubmission_numbers_lot_change();
DROP INDEX resubmissions_lot_change;
ALTER TABLE resubmissions DROP COLUMN lot_change;
