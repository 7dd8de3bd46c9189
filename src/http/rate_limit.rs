//! A request budget per token: a token bucket that refills at `per_second` and holds at
//! most `burst` requests. Over budget, a request is refused with 429 and `Retry-After`
//! before any work is done. Buckets live in the process, shared by all workers; a
//! restart refills them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::domain::TokenId;

#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<TokenId, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
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

    /// Takes one request from the token's budget, or says how many whole seconds to wait.
    pub fn check(&self, token: TokenId) -> Result<(), u32> {
        self.check_at(token, Instant::now())
    }

    fn check_at(&self, token: TokenId, now: Instant) -> Result<(), u32> {
        if self.per_second <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets.entry(token).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_second;
            Err(wait.ceil().max(1.0) as u32)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_refills_it() {
        let limiter = RateLimiter::new(2.0, 3);
        let (token, t0) = (TokenId::new_random(), Instant::now());
        for _ in 0..3 {
            assert_eq!(limiter.check_at(token, t0), Ok(()));
        }
        assert_eq!(limiter.check_at(token, t0), Err(1));
        // Half a second at 2 per second gives one request back.
        assert_eq!(
            limiter.check_at(token, t0 + Duration::from_millis(500)),
            Ok(())
        );
        assert_eq!(
            limiter.check_at(token, t0 + Duration::from_millis(500)),
            Err(1)
        );
        // Another token has a budget of its own.
        assert_eq!(limiter.check_at(TokenId::new_random(), t0), Ok(()));
    }

    #[test]
    fn a_slow_rate_asks_to_wait_whole_seconds() {
        let limiter = RateLimiter::new(0.1, 1);
        let (token, t0) = (TokenId::new_random(), Instant::now());
        assert_eq!(limiter.check_at(token, t0), Ok(()));
        assert_eq!(limiter.check_at(token, t0), Err(10));
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::unlimited();
        let token = TokenId::new_random();
        assert!((0..10_000).all(|_| limiter.check(token).is_ok()));
    }
}
