DROP TRIGGER api_tokens_binding_fixed ON api_tokens;
DROP FUNCTION api_tokens_binding_fixed();
DROP INDEX api_tokens_supplier_id;
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_admin_not_bound;
ALTER TABLE api_tokens DROP COLUMN supplier_id;
