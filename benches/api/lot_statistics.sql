-- pgbench: the SQL lotgate sends for get_lot_statistics: the lot, its part's
-- characteristics, its current (not superseded) inspections with the values of each,
-- one array per inspection and characteristic in unit order (src/db/statistics.rs
-- `lot_series`), and the golden-sample revision the lot was judged against or, without
-- one, the part's revision approved now (src/db/golden_samples.rs `RevisionForLot`; the
-- bench's part has none, so no reference values are read).
-- No token look-up: lotgate finds the bearer token in its cache of valid tokens
-- (src/cache.rs) on every request but the first of each 30 s.
SELECT id, part_id, supplier_id, lot_number, lot_size, produced_on, created_at FROM lots WHERE id = :lot LIMIT 1;
SELECT id, part_id, name, kind, unit, nominal, lsl, usl, classification, aql, inspection_level, destructive, created_at
  FROM characteristics WHERE part_id = :part ORDER BY created_at, id;
SELECT i.id, i.lot_id, i.source, i.mode, i.inspector, i.inspected_at, i.supersedes, i.reason, i.body_sha256,
       i.recorded_at, i.golden_sample_revision_id, s.characteristic_id, s.values
  FROM inspections i
  LEFT JOIN LATERAL (
      SELECT m.characteristic_id, array_agg(m.value ORDER BY m.unit_index) AS values
      FROM measurements m WHERE m.inspection_id = i.id
      GROUP BY m.characteristic_id
  ) s ON true
  WHERE i.lot_id = :lot AND NOT EXISTS (SELECT 1 FROM inspections c WHERE c.supersedes = i.id)
  ORDER BY i.inspected_at, i.id;
SELECT coalesce(
    (SELECT i.golden_sample_revision_id FROM inspections i
      WHERE i.lot_id = :lot AND i.golden_sample_revision_id IS NOT NULL
      ORDER BY i.inspected_at DESC, i.id DESC LIMIT 1),
    (SELECT r.id FROM golden_sample_revisions r JOIN golden_samples g ON g.id = r.golden_sample_id
      WHERE g.part_id = :part AND r.approved_at <= now() AND (r.approved_until IS NULL OR r.approved_until > now())
      ORDER BY r.approved_at DESC LIMIT 1)) AS revision_id;
