-- pgbench: the raw SQL under get_lot_decision: the stored decision document of the
-- lot's latest revision (the lot itself is read only when there is none).
SELECT decision FROM lot_decisions WHERE lot_id = :lot ORDER BY revision DESC LIMIT 1;
