//! Who lotgate connects as. The role that serves the API should own nothing: an owner
//! (or a superuser) can disable the triggers that keep inspections, decisions and the
//! audit trail append-only. Migrations run as the owner; the service gets the grants
//! of [`grant_sql`] and nothing more (docs/operations.md, "Running lotgate as a role
//! that owns nothing").

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

/// What the service role may do on each table of lotgate's schema. Every table is
/// listed (a test compares the list with the migrated schema): SELECT and INSERT
/// everywhere, UPDATE where a use case changes or locks rows (`SELECT ... FOR UPDATE`
/// needs it too), DELETE only where derived or expiring rows are replaced.
pub const TABLE_PRIVILEGES: &[(&str, &str)] = &[
    ("__diesel_schema_migrations", "SELECT"),
    ("api_tokens", "SELECT, INSERT, UPDATE"),
    ("attribute_result_defects", "SELECT, INSERT"),
    ("attribute_result_photos", "SELECT, INSERT"),
    ("attribute_results", "SELECT, INSERT"),
    ("audit_events", "SELECT, INSERT"),
    ("characteristics", "SELECT, INSERT, UPDATE"),
    ("decision_characteristic_outcomes", "SELECT, INSERT"),
    ("decision_outcomes", "SELECT, INSERT"),
    ("defect_codes", "SELECT, INSERT, UPDATE"),
    ("golden_sample_conditions", "SELECT, INSERT"),
    ("golden_sample_photos", "SELECT, INSERT"),
    ("golden_sample_references", "SELECT, INSERT, UPDATE"),
    ("golden_sample_revisions", "SELECT, INSERT, UPDATE"),
    ("golden_samples", "SELECT, INSERT, UPDATE"),
    ("idempotency_keys", "SELECT, INSERT, UPDATE, DELETE"),
    ("inspection_units", "SELECT, INSERT"),
    ("inspections", "SELECT, INSERT"),
    ("lot_corrections", "SELECT, INSERT"),
    ("lot_decisions", "SELECT, INSERT"),
    ("lot_dispositions", "SELECT, INSERT"),
    ("lot_inspection_order_items", "SELECT, INSERT"),
    ("lot_inspection_orders", "SELECT, INSERT"),
    // Kept by the database's triggers (functions owned by the owner), read by the service.
    ("lot_unit_counts", "SELECT"),
    ("lot_units", "SELECT"),
    ("lots", "SELECT, INSERT, UPDATE"),
    ("measurements", "SELECT, INSERT"),
    ("ncr_counters", "SELECT, INSERT, UPDATE"),
    ("ncrs", "SELECT, INSERT, UPDATE"),
    ("parts", "SELECT, INSERT, UPDATE"),
    ("photos", "SELECT, INSERT"),
    ("resubmission_inspections", "SELECT, INSERT"),
    ("resubmissions", "SELECT, INSERT"),
    ("supplier_source_policies", "SELECT, INSERT"),
    ("suppliers", "SELECT, INSERT"),
    ("switching_checkpoints", "SELECT, INSERT, DELETE"),
    ("switching_events", "SELECT, INSERT, DELETE"),
    ("switching_resumes", "SELECT, INSERT"),
    ("switching_settings", "SELECT, INSERT, UPDATE"),
    ("switching_states", "SELECT, INSERT, DELETE"),
    ("webhook_deliveries", "SELECT, INSERT, UPDATE"),
    ("webhook_delivery_attempts", "SELECT, INSERT"),
    ("webhook_events", "SELECT, INSERT"),
    ("webhooks", "SELECT, INSERT, UPDATE"),
];

/// `role` as an SQL identifier.
fn quoted(role: &str) -> String {
    format!("\"{}\"", role.replace('"', "\"\""))
}

/// The statements, run by the owner of the tables after `lotgate migrate`, that give
/// `role` what lotgate needs to serve: usage of the schema, the table privileges of
/// [`TABLE_PRIVILEGES`] and the execution of lotgate's functions (the audit trail's
/// trigger computes each row's hash with them). No sequence is used.
pub fn grant_sql(role: &str) -> String {
    let role = quoted(role);
    let mut sql = format!(
        "-- Grants of lotgate's service role; run as the owner of the tables after \
         `lotgate migrate`.\nGRANT USAGE ON SCHEMA public TO {role};\n"
    );
    for (table, privileges) in TABLE_PRIVILEGES {
        sql.push_str(&format!("GRANT {privileges} ON TABLE {table} TO {role};\n"));
    }
    sql.push_str(&format!(
        "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role};\n"
    ));
    sql
}

/// The role lotgate is connected as, when it could disable lotgate's triggers: a
/// superuser, or a role that owns (or is a member of the owner of) the tables.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct TooPowerful {
    #[diesel(sql_type = Text)]
    pub role: String,
    #[diesel(sql_type = Bool)]
    pub superuser: bool,
}

/// `Some` when the connected role is a superuser or has the privileges of the owner of
/// one of lotgate's append-only tables.
pub fn too_powerful(conn: &mut PgConnection) -> QueryResult<Option<TooPowerful>> {
    diesel::sql_query(
        "SELECT current_user::text AS role, r.rolsuper AS superuser \
         FROM pg_roles r WHERE r.rolname = current_user \
           AND (r.rolsuper OR EXISTS ( \
             SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' \
               AND c.relname IN ('measurements', 'inspections', 'audit_events', 'lot_decisions') \
               AND (pg_has_role(current_user, c.relowner, 'USAGE') \
                    OR pg_has_role(current_user, c.relowner, 'MEMBER'))))",
    )
    .get_result(conn)
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grants_name_every_table_and_quote_the_role() {
        let sql = grant_sql("lotgate \"svc\"");

        assert!(sql.contains("GRANT USAGE ON SCHEMA public TO \"lotgate \"\"svc\"\"\";"));
        assert!(
            sql.contains("GRANT SELECT, INSERT ON TABLE measurements TO \"lotgate \"\"svc\"\"\";")
        );
        assert_eq!(sql.matches(" ON TABLE ").count(), TABLE_PRIVILEGES.len());
        assert!(!sql.contains("UPDATE ON TABLE measurements"));
    }
}
