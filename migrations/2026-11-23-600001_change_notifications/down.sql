DROP TRIGGER lot_decisions_added ON lot_decisions;
DROP FUNCTION lot_decisions_added();
DROP TRIGGER api_tokens_removed ON api_tokens;
DROP TRIGGER api_tokens_validity_changed ON api_tokens;
DROP FUNCTION api_tokens_changed();
