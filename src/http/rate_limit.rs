//! Request budgets: a token bucket per key that refills at `per_second` and holds at
//! most `burst` requests. Requests are budgeted per token; failed authentications per
//! client address, so that guessing tokens cannot turn into a database lookup per
//! guess. Over budget, a request is refused with 429 and `Retry-After` before any work
//! is done. Buckets live in the process, shared by all workers; a restart refills them.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::TokenId;

/// Buckets kept before full ones (keys idle long enough to have refilled) are dropped.
const MAX_BUCKETS: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter<K = TokenId> {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// Unknown or revoked tokens an address may send per minute by default (all at once,
/// then one every 6 s).
pub const DEFAULT_AUTH_FAILURES_PER_MINUTE: u32 = 10;

/// How long a token seen valid passes without counting against its address.
const KNOWN_VALID_FOR: Duration = Duration::from_secs(15 * 60);

/// Failed authentications per client address, and the tokens seen valid lately. A token
/// not in the token cache costs a database lookup; an address that keeps sending unknown
/// or revoked ones waits before it may try another, while a token seen valid in the last
/// 15 minutes is still looked up, so that a tablet sharing an address (a factory's NAT,
/// a proxy) with one holding a revoked token keeps working.
#[derive(Debug)]
pub struct AuthFailures {
    per_address: RateLimiter<Option<IpAddr>>,
    valid: Mutex<HashMap<[u8; 32], Instant>>,
}

impl AuthFailures {
    /// `per_minute` failures per address, all at once, then spread over the minute; 0
    /// turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        AuthFailures {
            per_address: RateLimiter::new(f64::from(per_minute) / 60.0, per_minute),
            valid: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the token may be looked up for this address; else the seconds to wait.
    pub fn may_look_up(&self, client: Option<IpAddr>, token_sha256: &[u8; 32]) -> Result<(), u32> {
        let known = self
            .valid
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token_sha256)
            .is_some_and(|at| at.elapsed() < KNOWN_VALID_FOR);
        if known {
            return Ok(());
        }
        self.per_address.peek(client)
    }

    /// The token was unknown or revoked: one failure for the address.
    pub fn failed(&self, client: Option<IpAddr>, token_sha256: &[u8; 32]) {
        self.valid
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token_sha256);
        let _ = self.per_address.check(client);
    }

    /// The token was valid: it passes for a while whatever its address did.
    pub fn succeeded(&self, token_sha256: [u8; 32]) {
        let mut valid = self.valid.lock().unwrap_or_else(|e| e.into_inner());
        if valid.len() >= MAX_BUCKETS {
            valid.retain(|_, at| at.elapsed() < KNOWN_VALID_FOR);
        }
        if valid.len() < MAX_BUCKETS {
            valid.insert(token_sha256, Instant::now());
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Eq + Hash + Copy> RateLimiter<K> {
    /// `per_second` of 0 turns the limit off.
    pub fn new(per_second: f64, burst: u32) -> Self {
        RateLimiter {
            per_second,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// No limit.
    pub fn unlimited() -> Self {
        Self::new(0.0, 1)
    }

    /// Takes one request from the key's budget, or says how many whole seconds to wait.
    pub fn check(&self, key: K) -> Result<(), u32> {
        self.check_at(key, Instant::now(), true)
    }

    /// Whether the key has a request left, without taking it; how many whole seconds to
    /// wait when it has none.
    pub fn peek(&self, key: K) -> Result<(), u32> {
        self.check_at(key, Instant::now(), false)
    }

    fn check_at(&self, key: K, now: Instant, take: bool) -> Result<(), u32> {
        if self.per_second <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(&key) {
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst
            });
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            if take {
                bucket.tokens -= 1.0;
            }
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_second;
            Err(wait.ceil().max(1.0) as u32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_refills_it() {
        let limiter = RateLimiter::new(2.0, 3);
        let (token, t0) = (TokenId::new_random(), Instant::now());
        for _ in 0..3 {
            assert_eq!(limiter.check_at(token, t0, true), Ok(()));
        }
        assert_eq!(limiter.check_at(token, t0, true), Err(1));
        // Half a second at 2 per second gives one request back.
        assert_eq!(
            limiter.check_at(token, t0 + Duration::from_millis(500), true),
            Ok(())
        );
        assert_eq!(
            limiter.check_at(token, t0 + Duration::from_millis(500), true),
            Err(1)
        );
        // Another token has a budget of its own.
        assert_eq!(limiter.check_at(TokenId::new_random(), t0, true), Ok(()));
    }

    #[test]
    fn a_slow_rate_asks_to_wait_whole_seconds() {
        let limiter = RateLimiter::new(0.1, 1);
        let (token, t0) = (TokenId::new_random(), Instant::now());
        assert_eq!(limiter.check_at(token, t0, true), Ok(()));
        assert_eq!(limiter.check_at(token, t0, true), Err(10));
    }

    #[test]
    fn a_peek_takes_nothing() {
        let limiter = RateLimiter::new(1.0, 1);
        let (key, t0) = (1u8, Instant::now());
        assert_eq!(limiter.check_at(key, t0, false), Ok(()));
        assert_eq!(limiter.check_at(key, t0, false), Ok(()));
        assert_eq!(limiter.check_at(key, t0, true), Ok(()));
        assert_eq!(limiter.check_at(key, t0, false), Err(1));
    }

    #[test]
    fn idle_full_buckets_are_dropped_when_there_are_too_many() {
        let limiter = RateLimiter::new(1.0, 2);
        let t0 = Instant::now();
        // One address used up its budget; thousands of others tried once and went away.
        limiter.check_at(0u32, t0, true).unwrap();
        limiter.check_at(0u32, t0, true).unwrap();
        for key in 1..MAX_BUCKETS as u32 {
            limiter.check_at(key, t0, true).unwrap();
        }
        let later = t0 + Duration::from_secs(1);
        limiter.check_at(u32::MAX, later, true).unwrap();
        let buckets = limiter.buckets.lock().unwrap();
        // After a second every key but 0 has refilled to the burst and is forgotten;
        // key 0 still has a request owed.
        assert!(buckets.contains_key(&0));
        assert!(buckets.len() < 10, "{} buckets kept", buckets.len());
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::<TokenId>::unlimited();
        let token = TokenId::new_random();
        assert!((0..10_000).all(|_| limiter.check(token).is_ok()));
    }

    #[test]
    fn an_address_over_its_failures_still_passes_a_token_seen_valid() {
        let failures = AuthFailures::new(2);
        let (client, valid, guess) = (Some(IpAddr::from([192, 0, 2, 7])), [1; 32], [2; 32]);
        failures.succeeded(valid);
        failures.failed(client, &guess);
        failures.failed(client, &guess);

        assert!(failures.may_look_up(client, &guess).is_err());
        assert_eq!(failures.may_look_up(client, &valid), Ok(()));
        assert_eq!(
            failures.may_look_up(Some(IpAddr::from([198, 51, 100, 9])), &guess),
            Ok(())
        );
        // A token that fails (revoked since) is no longer known valid.
        failures.failed(client, &valid);
        assert!(failures.may_look_up(client, &valid).is_err());
    }

    #[test]
    fn no_failure_budget_turns_the_limit_off() {
        let failures = AuthFailures::new(0);
        let client = Some(IpAddr::from([192, 0, 2, 7]));
        for _ in 0..1000 {
            failures.failed(client, &[2; 32]);
        }
        assert_eq!(failures.may_look_up(client, &[2; 32]), Ok(()));
    }
}
