//! The audit trail: appended in the transaction of the change it records, read with
//! filters, and read in order for `lotgate audit verify`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::schema::{api_tokens, audit_events};
use crate::audit::ChainRow;
use crate::auth::Principal;
use crate::domain::{SupplierId, TokenId};

/// What happened, to which entity, and why.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// A verb: `create`, `update`, `record`, `correct`, `decide`, `approve`, `revoke`...
    pub action: &'a str,
    /// The kind of entity: `part`, `lot`, `inspection`, `token`...
    pub entity: &'a str,
    pub entity_id: String,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    pub reason: Option<&'a str>,
}

// NULL rather than DEFAULT for a missing value keeps the statement's text fixed, so
// each connection prepares it once.
#[derive(Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
struct NewEvent<'a> {
    token_id: Option<TokenId>,
    actor: &'a str,
    role: Option<&'a str>,
    action: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    old_value: Option<&'a Value>,
    new_value: Option<&'a Value>,
    reason: Option<&'a str>,
}

/// Appends one row. The database numbers it, stamps the time and links it to the chain;
/// call it last in a transaction, after the rows it describes, since it holds the
/// chain's lock until the transaction ends.
pub fn append(conn: &mut PgConnection, by: &Principal, change: &Change<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values(NewEvent {
            token_id: by.token_id,
            actor: &by.name,
            role: by.role.map(|r| r.as_str()),
            action: change.action,
            entity: change.entity,
            entity_id: &change.entity_id,
            old_value: change.old_value.as_ref(),
            new_value: change.new_value.as_ref(),
            reason: change.reason,
        })
        .execute(conn)
        .map(|_| ())
}

/// A stored row as the API shows it, with the supplier its token is bound to (read from
/// the token: a binding never changes, and it is not part of the hashed row).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events, check_for_backend(diesel::pg::Pg))]
pub struct Event {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub token_id: Option<TokenId>,
    pub actor: String,
    pub role: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    pub reason: Option<String>,
    pub sha256: Vec<u8>,
    #[diesel(select_expression = api_tokens::supplier_id.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<api_tokens::supplier_id>)]
    pub token_supplier_id: Option<SupplierId>,
}

/// Filters of the audit list; every one is optional.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub token_id: Option<TokenId>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Rows after `after_seq` in order, at most `limit`.
pub fn list(
    conn: &mut PgConnection,
    filter: &Filter,
    after_seq: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Event>> {
    let mut query = audit_events::table
        .left_join(api_tokens::table)
        .select(Event::as_select())
        .order(audit_events::seq)
        .limit(limit)
        .into_boxed();
    if let Some(seq) = after_seq {
        query = query.filter(audit_events::seq.gt(seq));
    }
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_events::entity.eq(entity.clone()));
    }
    if let Some(id) = &filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(id.clone()));
    }
    if let Some(token) = filter.token_id {
        query = query.filter(audit_events::token_id.eq(token));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_events::at.lt(to));
    }
    query.load(conn)
}

#[derive(QueryableByName)]
struct RawChainRow {
    #[diesel(sql_type = diesel::sql_types::Int8)]
    seq: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    token_id: Option<uuid::Uuid>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    role: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    entity: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    entity_id: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    old_value: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    new_value: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    reason: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Bytea)]
    prev_sha256: Vec<u8>,
    #[diesel(sql_type = diesel::sql_types::Bytea)]
    sha256: Vec<u8>,
}

/// Up to `limit` rows after `after_seq`, in order, with JSON as stored text.
pub fn chain_rows(
    conn: &mut PgConnection,
    after_seq: i64,
    limit: i64,
) -> QueryResult<Vec<ChainRow>> {
    let rows: Vec<RawChainRow> = diesel::sql_query(
        "SELECT seq, at, token_id, actor, role, action, entity, entity_id, \
                old_value::text AS old_value, new_value::text AS new_value, reason, \
                prev_sha256, sha256 \
         FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind::<diesel::sql_types::Int8, _>(after_seq)
    .bind::<diesel::sql_types::Int8, _>(limit)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ChainRow {
            seq: r.seq,
            at: r.at,
            token_id: r.token_id,
            actor: r.actor,
            role: r.role,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            old_value: r.old_value,
            new_value: r.new_value,
            reason: r.reason,
            prev_sha256: r.prev_sha256,
            sha256: r.sha256,
        })
        .collect())
}

/// Checks the whole chain in batches; the number of rows, or the first broken row.
pub fn verify(
    conn: &mut PgConnection,
) -> QueryResult<Result<crate::audit::ChainCursor, crate::audit::Broken>> {
    let mut cursor = crate::audit::ChainCursor::default();
    loop {
        let rows = chain_rows(conn, cursor.next_seq - 1, 1000)?;
        if rows.is_empty() {
            return Ok(Ok(cursor));
        }
        for row in &rows {
            if let Err(broken) = cursor.check(row) {
                return Ok(Err(broken));
            }
        }
    }
}

/// An audit row's value, for comparing it with the record it describes.
#[derive(Debug, Clone, QueryableByName)]
pub struct Audited {
    #[diesel(sql_type = diesel::sql_types::Int8)]
    pub seq: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub entity_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub action: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Jsonb>)]
    pub new_value: Option<Value>,
}

/// For each id of `entity` (at most `limit`, in descending id order, before
/// `before_id`), its newest row among `actions`. Reads the `(entity, entity_id, seq)`
/// index backwards, so each page costs the same however long the trail is.
pub fn newest_values(
    conn: &mut PgConnection,
    entity: &str,
    actions: &[&str],
    before_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Audited>> {
    use diesel::sql_types::{Array, Int8, Text};
    let select = "SELECT DISTINCT ON (entity_id) seq, entity_id, action, new_value \
                  FROM audit_events WHERE entity = $1 AND action = ANY($2)";
    let order = "ORDER BY entity_id DESC, seq DESC";
    match before_id {
        None => diesel::sql_query(format!("{select} {order} LIMIT $3"))
            .bind::<Text, _>(entity)
            .bind::<Array<Text>, _>(actions)
            .bind::<Int8, _>(limit)
            .load(conn),
        Some(id) => diesel::sql_query(format!("{select} AND entity_id < $3 {order} LIMIT $4"))
            .bind::<Text, _>(entity)
            .bind::<Array<Text>, _>(actions)
            .bind::<Text, _>(id)
            .bind::<Int8, _>(limit)
            .load(conn),
    }
}

/// Every row of `entity` among `actions` after the row `after_seq`, oldest first, at
/// most `limit`.
pub fn every_value(
    conn: &mut PgConnection,
    entity: &str,
    actions: &[&str],
    after_seq: i64,
    limit: i64,
) -> QueryResult<Vec<Audited>> {
    use diesel::sql_types::{Array, Int8, Text};
    diesel::sql_query(
        "SELECT seq, entity_id, action, new_value FROM audit_events \
         WHERE entity = $1 AND action = ANY($2) AND seq > $3 ORDER BY seq LIMIT $4",
    )
    .bind::<Text, _>(entity)
    .bind::<Array<Text>, _>(actions)
    .bind::<Int8, _>(after_seq)
    .bind::<Int8, _>(limit)
    .load(conn)
}
