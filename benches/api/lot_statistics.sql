-- pgbench: the raw SQL under get_lot_statistics: the lot, its part's characteristics,
-- and the values of its current (not superseded) inspections, one array per inspection
-- and characteristic in unit order (src/db/statistics.rs `lot_series`).
-- No token look-up: lotgate finds the bearer token in its cache of valid tokens
-- (src/token_cache.rs) on every request but the first of each 30 s.
SELECT id, part_id, supplier_id, lot_number, lot_size, produced_on, created_at FROM lots WHERE id = :lot;
SELECT id, kind, nominal, lsl, usl FROM characteristics WHERE part_id = :part ORDER BY created_at, id;
SELECT m.inspection_id, m.characteristic_id, array_agg(m.value ORDER BY m.unit_index) AS values
  FROM inspections i JOIN measurements m ON m.inspection_id = i.id
  WHERE i.lot_id = :lot AND NOT EXISTS (SELECT 1 FROM inspections s WHERE s.supersedes = i.id)
  GROUP BY m.inspection_id, m.characteristic_id;
