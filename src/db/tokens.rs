//! API tokens: stored as SHA-256 only.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::api_tokens;
use crate::domain::{Role, SupplierId, TokenHolder, TokenId};

/// A token as stored, without its hash; also its value in the audit trail.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
pub struct Token {
    pub id: TokenId,
    pub name: String,
    pub holder: TokenHolder,
    pub role: Role,
    /// The supplier the token is bound to; `None`: not bound. Never changes.
    pub supplier_id: Option<SupplierId>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<TokenId>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<TokenId>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewToken<'a> {
    pub id: TokenId,
    pub name: &'a str,
    pub holder: TokenHolder,
    pub role: Role,
    pub supplier_id: Option<SupplierId>,
    pub token_sha256: &'a [u8],
    pub created_by: Option<TokenId>,
}

pub fn insert(conn: &mut PgConnection, new: &NewToken<'_>) -> QueryResult<Token> {
    diesel::insert_into(api_tokens::table)
        .values(new)
        .returning(Token::as_returning())
        .get_result(conn)
}

pub fn get(conn: &mut PgConnection, id: TokenId) -> QueryResult<Token> {
    api_tokens::table
        .find(id)
        .select(Token::as_select())
        .first(conn)
}

/// The token with this hash, revoked or not.
pub fn by_hash(conn: &mut PgConnection, sha256: &[u8]) -> QueryResult<Option<Token>> {
    api_tokens::table
        .filter(api_tokens::token_sha256.eq(sha256))
        .select(Token::as_select())
        .first(conn)
        .optional()
}

/// Notes that a token was used, at most once a minute per token so that reads do not
/// turn into a write each.
pub fn touch(conn: &mut PgConnection, id: TokenId) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id))
        .filter(
            api_tokens::last_used_at
                .is_null()
                .or(api_tokens::last_used_at.lt(Utc::now() - chrono::Duration::minutes(1))),
        )
        .set(api_tokens::last_used_at.eq(diesel::dsl::now))
        .execute(conn)
}

/// Every token, oldest first.
pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Token>> {
    api_tokens::table
        .select(Token::as_select())
        .order((api_tokens::created_at, api_tokens::id))
        .load(conn)
}

/// Revokes a token that is not yet revoked; `None` when it already was.
pub fn revoke(
    conn: &mut PgConnection,
    id: TokenId,
    by: Option<TokenId>,
) -> QueryResult<Option<Token>> {
    diesel::update(api_tokens::table.find(id))
        .filter(api_tokens::revoked_at.is_null())
        .set((
            api_tokens::revoked_at.eq(diesel::dsl::now),
            api_tokens::revoked_by.eq(by),
        ))
        .returning(Token::as_returning())
        .get_result(conn)
        .optional()
}

/// The channel a change of a token's validity is announced on (trigger
/// `api_tokens_validity_changed`).
pub const CHANGES_CHANNEL: &str = "lotgate_tokens";
