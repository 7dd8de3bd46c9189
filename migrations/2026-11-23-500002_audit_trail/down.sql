DROP TABLE audit_events;
DROP FUNCTION refuse_change_of_audit_event();
DROP FUNCTION audit_append();
DROP FUNCTION audit_canonical_text(audit_events);
