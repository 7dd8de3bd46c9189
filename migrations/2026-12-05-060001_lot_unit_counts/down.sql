DROP TRIGGER characteristics_count_lot_units ON characteristics;
DROP TRIGGER resubmission_inspections_count_lot_units ON resubmission_inspections;
DROP TRIGGER inspections_count_lot_units ON inspections;
DROP FUNCTION lot_unit_counts_after_limits();
DROP FUNCTION lot_unit_counts_after_inspection();
DROP FUNCTION lot_unit_counts_refresh(uuid);
DROP FUNCTION lot_unit_count(uuid);
DROP TABLE lot_unit_counts;
