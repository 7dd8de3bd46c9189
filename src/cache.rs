//! In-memory caches kept true by PostgreSQL notifications, so that a hot request does
//! not wait for a database look-up: valid tokens, and stored lot decisions.
//!
//! A cache is trusted only while a listener (see [`crate::db::notify::listen`]) holds
//! `LISTEN` on its channel on a connection of its own: a trigger notifies the channel in
//! every transaction that changes what the cache holds (a token revoked, a lot decided),
//! from this server, another one or the command line, and the listener empties the
//! cache as soon as the notification arrives. This server's own changes empty it before
//! their answer is sent. Without a live listener every request reads the database, as if
//! there were no cache.
//!
//! A look-up that raced a change must not put a stale entry back: every emptying
//! advances an epoch, and an entry is stored only if the epoch is the one read before
//! the look-up started.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::auth::Principal;
use crate::domain::LotId;
use crate::metrics::Counter;

/// SHA-256 of a token's text, the key it is stored under.
pub type TokenHash = [u8; 32];

/// Tokens found valid, by hash.
pub type TokenCache = Listened<TokenHash, Principal>;

/// Stored decision documents (JSON text) by lot and revision (`None`: the latest).
pub type DecisionCache = Listened<(LotId, Option<i32>), actix_web::web::Bytes>;

/// How long a token is trusted before it is looked up again; the look-up also notes
/// `last_used_at`, which is kept to the minute.
pub const TOKEN_MAX_AGE: Duration = Duration::from_secs(30);

/// The cache of valid tokens: 4,096 tokens seen in [`TOKEN_MAX_AGE`] is far more than a
/// factory has tablets.
pub fn tokens() -> TokenCache {
    Listened::new(Some(TOKEN_MAX_AGE), 4096)
}

/// The cache of decision documents: stored decisions never change (the table refuses
/// UPDATE and DELETE), a new revision only changes which one is the latest. 512
/// documents of 10-20 KB each stay under 10 MB. Like tokens, a document is read again
/// after 30 s, which bounds what a change that fired no notification (a restore into a
/// running database, triggers disabled by hand) can leave stale.
pub fn decisions() -> DecisionCache {
    Listened::new(Some(TOKEN_MAX_AGE), 512)
}

/// How long a listener's word that it listens holds: it renews it at every successful
/// round trip to the server (every 2 s), so a listener stuck on a connection that died
/// without a word (a lost primary, a network partition) leaves its caches off within
/// this time.
pub const LEASE: Duration = Duration::from_secs(5);

/// What a listener drives: it turns a cache on once it listens, off when its connection
/// is lost, renews its lease after every round trip, and empties it on every
/// notification of the cache's channel.
pub trait Listening: Send + Sync {
    fn set_live(&self, live: bool);
    fn renew(&self);
    fn forget_all(&self);
}

/// A map trusted only while its listener listens.
pub struct Listened<K, V> {
    inner: RwLock<Inner<K, V>>,
    max_age: Option<Duration>,
    max_entries: usize,
    hits: Counter,
    misses: Counter,
    /// Look-ups made while no listener listened: answered by the database.
    off: Counter,
}

/// A cache's look-ups so far and what it holds now, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheReport {
    pub hits: u64,
    pub misses: u64,
    /// Look-ups while the cache was off (no live listener).
    pub off: u64,
    pub entries: usize,
    pub live: bool,
}

struct Inner<K, V> {
    /// Until when a listener is known to listen; nothing is stored or handed out after.
    live_until: Option<Instant>,
    epoch: u64,
    entries: HashMap<K, (V, Instant)>,
}

impl<K: Eq + Hash, V: Clone> Listened<K, V> {
    /// An empty cache, off until a listener turns it on. Entries older than `max_age`
    /// are not handed out; more than `max_entries` empties the cache instead of growing
    /// it.
    pub fn new(max_age: Option<Duration>, max_entries: usize) -> Self {
        Listened {
            inner: RwLock::new(Inner {
                live_until: None,
                epoch: 0,
                entries: HashMap::new(),
            }),
            max_age,
            max_entries,
            hits: Counter::default(),
            misses: Counter::default(),
            off: Counter::default(),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner<K, V>> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner<K, V>> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The value stored under `key`, if the cache is live and the value young enough.
    pub fn get(&self, key: &K) -> Option<V> {
        let inner = self.read();
        if !inner.is_live() {
            self.off.inc();
            return None;
        }
        let found = inner
            .entries
            .get(key)
            .filter(|(_, at)| self.max_age.is_none_or(|max| at.elapsed() < max))
            .map(|(value, _)| value.clone());
        match found {
            Some(_) => self.hits.inc(),
            None => self.misses.inc(),
        }
        found
    }

    /// Its look-ups so far and what it holds now.
    pub fn report(&self) -> CacheReport {
        let inner = self.read();
        CacheReport {
            hits: self.hits.get(),
            misses: self.misses.get(),
            off: self.off.get(),
            entries: inner.entries.len(),
            live: inner.is_live(),
        }
    }

    /// The epoch to pass to [`Listened::put`]; read it before reading the database.
    pub fn epoch(&self) -> u64 {
        self.read().epoch
    }

    /// Stores what a database read that started at `epoch` found, unless the cache was
    /// emptied since (a change may have come in between).
    pub fn put(&self, key: K, value: V, epoch: u64) {
        let mut inner = self.write();
        if !inner.is_live() || inner.epoch != epoch {
            return;
        }
        if inner.entries.len() >= self.max_entries && !inner.entries.contains_key(&key) {
            inner.entries.clear();
        }
        inner.entries.insert(key, (value, Instant::now()));
    }

    /// Whether a listener is listening.
    pub fn is_live(&self) -> bool {
        self.read().is_live()
    }
}

impl<K, V> Inner<K, V> {
    fn is_live(&self) -> bool {
        self.live_until.is_some_and(|until| Instant::now() < until)
    }
}

impl<K: Eq + Hash + Send + Sync, V: Clone + Send + Sync> Listening for Listened<K, V> {
    fn set_live(&self, live: bool) {
        let mut inner = self.write();
        inner.live_until = live.then(|| Instant::now() + LEASE);
        inner.epoch += 1;
        inner.entries.clear();
    }

    fn renew(&self) {
        let mut inner = self.write();
        if inner.live_until.is_none() {
            return;
        }
        if !inner.is_live() {
            // The lease ran out: what it held may have missed a change.
            inner.epoch += 1;
            inner.entries.clear();
        }
        inner.live_until = Some(Instant::now() + LEASE);
    }

    fn forget_all(&self) {
        let mut inner = self.write();
        inner.epoch += 1;
        inner.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, TokenId};

    fn someone() -> Principal {
        Principal::token(
            TokenId(uuid::Uuid::nil()),
            "tablet 3",
            Role::Inspector,
            None,
        )
    }

    #[test]
    fn nothing_is_kept_or_handed_out_without_a_listener() {
        let cache = tokens();
        let epoch = cache.epoch();
        cache.put([1; 32], someone(), epoch);
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn a_live_cache_hands_out_what_was_put() {
        let cache = tokens();
        cache.set_live(true);
        let epoch = cache.epoch();
        cache.put([1; 32], someone(), epoch);
        assert_eq!(cache.get(&[1; 32]), Some(someone()));
        assert_eq!(cache.get(&[2; 32]), None);
    }

    #[test]
    fn a_look_up_that_raced_a_change_is_not_stored() {
        let cache = tokens();
        cache.set_live(true);
        let epoch = cache.epoch();
        cache.forget_all(); // a revocation arrived while the token was being looked up
        cache.put([1; 32], someone(), epoch);
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn forgetting_and_losing_the_listener_empty_the_cache() {
        let cache = tokens();
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
    fn a_lease_not_renewed_turns_the_cache_off() {
        let cache = tokens();
        cache.set_live(true);
        cache.put([1; 32], someone(), cache.epoch());
        cache.inner.write().unwrap().live_until = Some(Instant::now());
        assert!(!cache.is_live());
        assert_eq!(cache.get(&[1; 32]), None, "a listener silent for too long");
        cache.put([2; 32], someone(), cache.epoch());
        cache.renew();
        assert!(cache.is_live(), "the listener answered again");
        assert_eq!(cache.get(&[2; 32]), None, "nothing was stored while off");
        assert_eq!(cache.get(&[1; 32]), None, "nor kept from before");
    }

    #[test]
    fn look_ups_are_counted_as_hits_misses_or_off() {
        let cache = tokens();
        cache.get(&[1; 32]);
        cache.set_live(true);
        cache.put([1; 32], someone(), cache.epoch());

        cache.get(&[1; 32]);
        cache.get(&[1; 32]);
        cache.get(&[2; 32]);

        let report = cache.report();
        assert_eq!((report.hits, report.misses, report.off), (2, 1, 1));
        assert_eq!(report.entries, 1);
        assert!(report.live);
    }

    #[test]
    fn a_lease_renewed_in_time_keeps_what_it_holds() {
        let cache = tokens();
        cache.set_live(true);
        cache.put([1; 32], someone(), cache.epoch());
        cache.renew();
        assert_eq!(cache.get(&[1; 32]), Some(someone()));
    }

    #[test]
    fn an_entry_past_its_age_is_not_handed_out() {
        let cache: Listened<u8, u8> = Listened::new(Some(Duration::ZERO), 8);
        cache.set_live(true);
        cache.put(1, 1, cache.epoch());
        assert_eq!(cache.get(&1), None);
    }

    #[test]
    fn a_full_cache_starts_again_rather_than_growing() {
        let cache: Listened<usize, usize> = Listened::new(None, 4);
        cache.set_live(true);
        for i in 0..4 {
            cache.put(i, i, cache.epoch());
        }
        assert_eq!(cache.get(&0), Some(0));
        cache.put(9, 9, cache.epoch());
        assert_eq!(cache.get(&0), None);
        assert_eq!(cache.get(&9), Some(9));
    }
}
