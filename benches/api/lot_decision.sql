-- pgbench: the raw SQL under get_lot_decision: the stored decision document of the
-- lot's latest revision (the lot itself is read only when there is none).
-- No token look-up: lotgate finds the bearer token in its cache of valid tokens
-- (src/cache.rs) on every request but the first of each 30 s.
SELECT decision FROM lot_decisions WHERE lot_id = :lot ORDER BY revision DESC LIMIT 1;
