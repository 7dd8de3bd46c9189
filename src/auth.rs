//! Who is calling: API tokens and the principal a change is made by.
//!
//! A token is 32 random bytes from the operating system, written as `lgt_` and 64 hex
//! digits. It is shown once, when created; only its SHA-256 is stored, so a copy of the
//! database does not hand out working tokens.

use sha2::{Digest, Sha256};

use crate::domain::{Role, SupplierId, TokenId};

/// What every lotgate token starts with, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "lgt_";

/// A freshly made token: the secret to show once and the hash to store.
pub struct NewSecret {
    pub secret: String,
    pub sha256: [u8; 32],
}

/// Makes a new random token.
pub fn new_secret() -> Result<NewSecret, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let mut secret = String::with_capacity(TOKEN_PREFIX.len() + 64);
    secret.push_str(TOKEN_PREFIX);
    for b in bytes {
        secret.push_str(&format!("{b:02x}"));
    }
    let sha256 = secret_sha256(&secret);
    Ok(NewSecret { secret, sha256 })
}

/// The stored form of a token.
pub fn secret_sha256(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Who a change is made by: a token's holder, or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token the request carried; `None` for the command line.
    pub token_id: Option<TokenId>,
    /// The token's name (a person or a device), or what ran on the command line.
    pub name: String,
    /// The token's role; `None` for the command line, which may do anything.
    pub role: Option<Role>,
    /// The supplier the token is bound to: it sees and writes only that supplier's data
    /// and never records in-house work. `None` for an unbound token and the command
    /// line. Fixed when the token is made (nothing changes it later, the database
    /// refuses to), so a cached principal never holds a stale binding.
    pub supplier: Option<SupplierId>,
}

impl Principal {
    /// The holder of a token, bound to `supplier` or to none.
    pub fn token(
        id: TokenId,
        name: impl Into<String>,
        role: Role,
        supplier: Option<SupplierId>,
    ) -> Self {
        Principal {
            token_id: Some(id),
            name: name.into(),
            role: Some(role),
            supplier,
        }
    }

    /// Whether this principal may see and write the data of `supplier`: an unbound one
    /// may see every supplier's, a bound one only its own.
    pub fn sees(&self, supplier: SupplierId) -> bool {
        self.supplier.is_none_or(|own| own == supplier)
    }

    /// Someone with access to the server's command line, running `what`.
    pub fn command_line(what: &str) -> Self {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown user".into());
        Principal {
            token_id: None,
            name: format!("{what} (command line, {user})"),
            role: None,
            supplier: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_token_sees_only_its_own_supplier_and_an_unbound_one_sees_all() {
        let (own, other) = (SupplierId::new_random(), SupplierId::new_random());
        let id = TokenId::new_random();
        let bound = Principal::token(id, "line 3 tablet", Role::Inspector, Some(own));
        let unbound = Principal::token(id, "QA", Role::Inspector, None);

        assert!(bound.sees(own));
        assert!(!bound.sees(other));
        assert!(unbound.sees(other));
        assert!(Principal::command_line("test").sees(other));
    }

    #[test]
    fn a_secret_is_the_prefix_and_64_hex_digits_and_never_repeats() {
        let a = new_secret().unwrap();
        let b = new_secret().unwrap();
        assert_ne!(a.secret, b.secret);
        let hex = a.secret.strip_prefix(TOKEN_PREFIX).unwrap();
        assert_eq!(hex.len(), 64);
        assert!(hex.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a.sha256, secret_sha256(&a.secret));
    }

    #[test]
    fn the_stored_hash_is_sha256_of_the_token_text() {
        // Reference: `printf %s lgt_abc | sha256sum` (GNU coreutils 9.1).
        let hex: String = secret_sha256("lgt_abc")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "da3fd15d6298847e5eaf3ec2b8c091b03cfa75b7076097520f34c3d644e41b35"
        );
    }
}
