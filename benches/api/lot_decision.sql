-- pgbench: the raw SQL under get_lot_decision: the stored decision document of the
-- lot's latest revision (the lot itself is read only when there is none).
-- Every request first looks up its bearer token (src/http/access.rs, src/db/tokens.rs).
SELECT id, name, holder, role, created_at, created_by, revoked_at, revoked_by, last_used_at
  FROM api_tokens WHERE token_sha256 = decode(:tokenhash, 'hex');
SELECT decision FROM lot_decisions WHERE lot_id = :lot ORDER BY revision DESC LIMIT 1;
