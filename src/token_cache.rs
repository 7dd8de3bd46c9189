//! Tokens known to be valid, kept in memory so that a request does not wait for a
//! database look-up of its token.
//!
//! The cache is trusted only while a listener (see [`crate::db::tokens::listen`]) holds
//! `LISTEN lotgate_tokens` on its own connection: a revocation, from this server, another
//! one or the command line, fires `NOTIFY lotgate_tokens` in its transaction, and the
//! listener empties the cache as soon as the notification arrives. A revocation through
//! this server's API empties it before the answer is sent. Without a live listener every
//! request looks its token up, as if there were no cache.
//!
//! A look-up that raced a revocation must not put a stale entry back: every emptying
//! advances an epoch, and an entry is stored only if the epoch is the one read before
//! the look-up started.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::auth::Principal;

/// How long an entry is trusted before its token is looked up again; the look-up also
/// notes `last_used_at`, which is kept to the minute.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// More distinct tokens than this in [`MAX_AGE`] empties the cache instead of growing it.
const MAX_ENTRIES: usize = 4096;

/// SHA-256 of a token's text, the key it is stored under.
pub type TokenHash = [u8; 32];

#[derive(Default)]
pub struct TokenCache {
    inner: RwLock<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Whether a listener is listening; nothing is stored or handed out otherwise.
    live: bool,
    epoch: u64,
    entries: HashMap<TokenHash, (Principal, Instant)>,
}

impl TokenCache {
    /// A cache with no listener yet: every token is looked up.
    pub fn new() -> Self {
        TokenCache::default()
    }

    /// The principal of a token checked less than [`MAX_AGE`] ago, if the cache is live.
    pub fn get(&self, hash: &TokenHash) -> Option<Principal> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        if !inner.live {
            return None;
        }
        inner
            .entries
            .get(hash)
            .filter(|(_, checked)| checked.elapsed() < MAX_AGE)
            .map(|(principal, _)| principal.clone())
    }

    /// The epoch to pass to [`TokenCache::put`]; read it before looking the token up.
    pub fn epoch(&self) -> u64 {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).epoch
    }

    /// Stores a token found valid by a look-up that started at `epoch`, unless the cache
    /// was emptied since (a revocation may have come in between).
    pub fn put(&self, hash: TokenHash, principal: Principal, epoch: u64) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if !inner.live || inner.epoch != epoch {
            return;
        }
        if inner.entries.len() >= MAX_ENTRIES && !inner.entries.contains_key(&hash) {
            inner.entries.clear();
        }
        inner.entries.insert(hash, (principal, Instant::now()));
    }

    /// Forgets every token: a token changed somewhere.
    pub fn forget_all(&self) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.epoch += 1;
        inner.entries.clear();
    }

    /// Called by the listener: `true` once it listens, `false` when its connection is
    /// lost. Either way what was stored is forgotten.
    pub fn set_live(&self, live: bool) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.live = live;
        inner.epoch += 1;
        inner.entries.clear();
    }

    /// Whether a listener is listening.
    pub fn is_live(&self) -> bool {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).live
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, TokenId};

    fn someone() -> Principal {
        Principal::token(TokenId(uuid::Uuid::nil()), "tablet 3", Role::Inspector)
    }

    #[test]
    fn nothing_is_kept_or_handed_out_without_a_listener() {
        let cache = TokenCache::new();
        let epoch = cache.epoch();
        cache.put([1; 32], someone(), epoch);
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn a_live_cache_hands_out_what_was_put() {
        let cache = TokenCache::new();
        cache.set_live(true);
        let epoch = cache.epoch();
        cache.put([1; 32], someone(), epoch);
        assert_eq!(cache.get(&[1; 32]), Some(someone()));
        assert_eq!(cache.get(&[2; 32]), None);
    }

    #[test]
    fn a_look_up_that_raced_a_change_is_not_stored() {
        let cache = TokenCache::new();
        cache.set_live(true);
        let epoch = cache.epoch();
        cache.forget_all(); // a revocation arrived while the token was being looked up
        cache.put([1; 32], someone(), epoch);
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn forgetting_and_losing_the_listener_empty_the_cache() {
        let cache = TokenCache::new();
        cache.set_live(true);
        cache.put([1; 32], someone(), cache.epoch());
        cache.forget_all();
        assert_eq!(cache.get(&[1; 32]), None);

        cache.put([1; 32], someone(), cache.epoch());
        cache.set_live(false);
        cache.set_live(true);
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn a_full_cache_starts_again_rather_than_growing() {
        let cache = TokenCache::new();
        cache.set_live(true);
        for i in 0..MAX_ENTRIES {
            let mut hash = [0; 32];
            hash[..8].copy_from_slice(&(i as u64).to_le_bytes());
            cache.put(hash, someone(), cache.epoch());
        }
        assert!(cache.get(&[0; 32]).is_some());
        cache.put([0xff; 32], someone(), cache.epoch());
        assert!(cache.get(&[0; 32]).is_none());
        assert!(cache.get(&[0xff; 32]).is_some());
    }
}
