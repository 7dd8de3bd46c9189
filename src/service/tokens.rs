//! API tokens: issued, listed, revoked and looked up by the hash of their secret. The
//! API, `lotgate token`, the demo loader and the tests all issue tokens here, so every
//! token gets the same checks and the same audit row.

use chrono::{Duration, Utc};
use diesel::PgConnection;

use super::{Checks, Found, ServiceError, audit};
use crate::auth::{Principal, new_secret};
use crate::db::suppliers as suppliers_db;
use crate::db::tokens::{self as tokens_db, Token};
use crate::domain::{Role, SupplierId, TokenHolder, TokenId};

/// A token to issue.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Who holds it: a person's name or a device's label (1-200 characters).
    pub name: String,
    /// A person or a shared device.
    pub holder: TokenHolder,
    /// What the token may do.
    pub role: Role,
    /// The supplier to bind the token to: it then sees and writes only that supplier's
    /// data and cannot record in-house inspections. `None`: not bound. A binding is
    /// fixed for the token's life (there is no way to change it; revoke and issue a
    /// new token instead), which is what lets a cached token keep its binding.
    pub supplier_id: Option<SupplierId>,
}

impl NewToken {
    /// The rules of a token's fields, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        checks.text("name", &self.name, 200);
        if self.supplier_id.is_some() && self.role == Role::Admin {
            checks.add(
                "supplier_id",
                "an admin token cannot be bound to a supplier: admins manage every \
                 supplier's tokens and master data; bind an inspector or reviewer token",
            );
        }
        checks.finish()
    }
}

/// Issues a token made by `by` (`created_by` is `by`'s token, none from the command
/// line) and writes its audit row. Returns the stored token and its secret, which is
/// stored nowhere: only its SHA-256 is kept.
pub fn issue(
    conn: &mut PgConnection,
    by: &Principal,
    new: NewToken,
) -> Result<(Token, String), ServiceError> {
    new.check()?;
    let secret = new_secret().map_err(ServiceError::internal)?;
    let token = conn.build_transaction().run(|conn| {
        if let Some(supplier) = new.supplier_id {
            suppliers_db::get(conn, supplier).or_unknown("supplier_id", "supplier", supplier)?;
        }
        let token = tokens_db::insert(
            conn,
            &tokens_db::NewToken {
                id: TokenId::new_random(),
                name: new.name.trim(),
                holder: new.holder,
                role: new.role,
                supplier_id: new.supplier_id,
                token_sha256: &secret.sha256,
                created_by: by.token_id,
            },
        )?;
        audit::created(conn, by, "token", token.id, &token)?;
        Ok::<_, ServiceError>(token)
    })?;
    Ok((token, secret.secret))
}

/// Every token, oldest first (never their secrets: those are not stored).
pub fn list(conn: &mut PgConnection) -> Result<Vec<Token>, ServiceError> {
    Ok(tokens_db::list(conn)?)
}

/// The rules of a revocation's reason, without the database.
pub fn check_reason(reason: Option<&str>) -> Result<(), ServiceError> {
    let mut checks = Checks::new();
    checks.optional_text("reason", reason, 2000);
    checks.finish()
}

/// Revokes a token and writes its audit row (old and new value, and the reason). A
/// token that is already revoked is a conflict; the caller forgets cached tokens.
pub fn revoke(
    conn: &mut PgConnection,
    by: &Principal,
    id: TokenId,
    reason: Option<&str>,
) -> Result<Token, ServiceError> {
    check_reason(reason)?;
    let reason = reason.map(str::trim);
    conn.build_transaction().run(|conn| {
        let before = tokens_db::get(conn, id).or_not_found("token", id)?;
        let Some(after) = tokens_db::revoke(conn, id, by.token_id)? else {
            return Err(ServiceError::conflict(
                None,
                "this token is already revoked",
            ));
        };
        let entry = audit::Entry {
            action: "revoke",
            entity: "token",
            id: id.to_string(),
            old: Some(serde_json::to_value(&before).map_err(ServiceError::internal)?),
            reason,
        };
        audit::write(conn, by, entry, &after)?;
        Ok(after)
    })
}

/// The token whose secret has this SHA-256, revoked or not; `None` when there is none.
/// A valid token's `last_used_at` is noted, at most once a minute so that reads do not
/// turn into a write each.
pub fn look_up(conn: &mut PgConnection, sha256: &[u8; 32]) -> Result<Option<Token>, ServiceError> {
    let token = tokens_db::by_hash(conn, sha256)?;
    if let Some(t) = token.as_ref().filter(|t| t.revoked_at.is_none()) {
        let stale = t
            .last_used_at
            .is_none_or(|at| Utc::now() - at > Duration::minutes(1));
        if stale {
            tokens_db::touch(conn, t.id)?;
        }
    }
    Ok(token)
}
