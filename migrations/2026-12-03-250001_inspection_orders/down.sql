DROP TABLE lot_inspection_order_items;
DROP TABLE lot_inspection_orders;
DROP FUNCTION refuse_change_of_inspection_order();
