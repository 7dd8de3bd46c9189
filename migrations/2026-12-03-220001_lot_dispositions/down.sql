DROP TABLE lot_dispositions;
DROP FUNCTION refuse_change_of_disposition();
