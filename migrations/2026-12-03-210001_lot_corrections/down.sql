DROP TABLE lot_corrections;
DROP FUNCTION refuse_change_of_lot_correction();
