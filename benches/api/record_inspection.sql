-- pgbench: the SQL transaction lotgate runs to record an inspection of one unit with ten
-- measurements (see src/http/inspections.rs `store` and src/db/inspections.rs).
-- Variables :lot and :part are passed with -D; :c1 .. :c10 are the characteristics.
SELECT gen_random_uuid() AS iid \gset
-- No token look-up: lotgate finds the bearer token in its cache of valid tokens
-- (src/cache.rs) on every request but the first of each 30 s.
BEGIN;
SELECT id, part_id, supplier_id, lot_number, lot_size, produced_on, created_at FROM lots WHERE id = :lot;
SELECT id, part_id, name, kind, unit, nominal, lsl, usl, classification, aql, inspection_level, destructive, created_at
  FROM characteristics WHERE part_id = :part ORDER BY created_at, id;
SELECT r.id FROM golden_sample_revisions r JOIN golden_samples g ON g.id = r.golden_sample_id
  WHERE g.part_id = :part AND r.approved_at <= '2026-11-20T09:15:00Z'
    AND (r.approved_until IS NULL OR r.approved_until > '2026-11-20T09:15:00Z')
  ORDER BY r.approved_at DESC LIMIT 1;
INSERT INTO inspections (id, lot_id, source, mode, inspector, inspected_at, supersedes, reason, body_sha256, golden_sample_revision_id)
  VALUES (:iid, :lot, 'factory', 'sampling', 'bench', '2026-11-20T09:15:00Z', NULL, NULL,
          'bench-fingerprint-0000000000000000000000000000000000000000000000000000000000', NULL)
  ON CONFLICT (id) DO NOTHING
  RETURNING id, lot_id, source, mode, inspector, inspected_at, supersedes, reason, body_sha256, recorded_at;
-- Rows go in as one array per column (src/db/fixed.rs), so the statement is prepared once.
INSERT INTO inspection_units (inspection_id, unit_index, serial)
  SELECT * FROM unnest(ARRAY[:iid]::uuid[], '{1}'::int4[], '{B-1}'::text[]);
INSERT INTO measurements (inspection_id, unit_index, characteristic_id, value)
  SELECT * FROM unnest(array_fill(:iid::uuid, ARRAY[10]), '{1,1,1,1,1,1,1,1,1,1}'::int4[],
    ARRAY[:c1, :c2, :c3, :c4, :c5, :c6, :c7, :c8, :c9, :c10]::uuid[],
    '{12.01,12.02,12.03,12.04,12.05,12.06,12.07,12.08,12.09,12.10}'::float8[]);
-- The audit row, last in the transaction (src/http/audit.rs): the database chains it under
-- an advisory lock held until COMMIT.
INSERT INTO audit_events (token_id, actor, role, action, entity, entity_id, old_value, new_value, reason)
  VALUES (:tokenid, 'benchmark', 'admin', 'record', 'inspection', :iid, NULL,
          jsonb_build_object('id', :iid::text, 'lot_id', :lot::text, 'source', 'factory', 'mode', 'sampling',
            'inspector', 'bench', 'inspected_at', '2026-11-20T09:15:00Z', 'supersedes', NULL,
            'golden_sample_revision_id', NULL, 'units', 1, 'measurements', 10, 'attributes', 0,
            'body_sha256', 'bench-fingerprint-0000000000000000000000000000000000000000000000000000000000'),
          NULL);
COMMIT;
