-- pgbench: the raw SQL under get_lot_statistics: the lot, its part's characteristics,
-- its current (not superseded) inspections and their measurements in unit order.
SELECT id, part_id, supplier_id, lot_number, lot_size, produced_on, created_at FROM lots WHERE id = :lot;
SELECT id, kind, nominal, lsl, usl FROM characteristics WHERE part_id = :part ORDER BY created_at, id;
SELECT m.inspection_id, m.unit_index, m.characteristic_id, m.value
  FROM inspections i JOIN measurements m ON m.inspection_id = i.id
  WHERE i.lot_id = :lot AND NOT EXISTS (SELECT 1 FROM inspections s WHERE s.supersedes = i.id)
  ORDER BY i.inspected_at, i.id, m.unit_index, m.characteristic_id;
