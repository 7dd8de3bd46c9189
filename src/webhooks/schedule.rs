//! When a failed delivery is tried again: exponential backoff with jitter, for a retry
//! period that is a fixed multiple of the base delay (three days for the default 30 s).

use std::time::Duration;

/// The default delay after the first failed attempt.
pub const DEFAULT_BASE: Duration = Duration::from_secs(30);
/// The longest delay between two attempts, in base delays (6 h for a 30 s base).
pub const CAP_IN_BASES: u32 = 720;
/// How long after its event a delivery is retried, in base delays (72 h for a 30 s base).
pub const PERIOD_IN_BASES: u32 = 8640;

/// The retry schedule of one base delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub base: Duration,
}

impl Schedule {
    /// The longest delay between two attempts.
    pub fn cap(&self) -> Duration {
        self.base * CAP_IN_BASES
    }

    /// How long after the event attempts go on.
    pub fn period(&self) -> Duration {
        self.base * PERIOD_IN_BASES
    }

    /// The delay after the `failed`-th failed attempt (from 1), before jitter: the base
    /// doubled after each failure, at most [`Schedule::cap`].
    pub fn delay(&self, failed: u32) -> Duration {
        let doublings = failed.saturating_sub(1).min(30);
        (self.base * (1u32 << doublings)).min(self.cap())
    }

    /// The delay with jitter: `jitter` (in [0, 1]) picks a point between half the delay
    /// and the whole of it, so that endpoints recovering from an outage are not all
    /// tried again at the same instant.
    pub fn jittered(&self, failed: u32, jitter: f64) -> Duration {
        let delay = self.delay(failed);
        delay.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// The next attempt after the `failed`-th failure, `elapsed` after the event, or
    /// `None` when it would fall after the retry period.
    pub fn next(&self, failed: u32, elapsed: Duration, jitter: f64) -> Option<Duration> {
        let wait = self.jittered(failed, jitter);
        (elapsed + wait <= self.period()).then_some(wait)
    }
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { base: DEFAULT_BASE }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_from_the_base_up_to_six_hours() {
        let s = Schedule::default();
        let secs: Vec<u64> = (1..=12).map(|n| s.delay(n).as_secs()).collect();
        // 30 * 2^(n-1) s, capped at 21600 s (6 h); by hand:
        // 30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600.
        assert_eq!(
            secs,
            [
                30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600
            ]
        );
        assert_eq!(s.delay(1000).as_secs(), 21600);
    }

    #[test]
    fn jitter_keeps_the_delay_between_half_and_all_of_it() {
        let s = Schedule::default();
        assert_eq!(s.jittered(3, 0.0), Duration::from_secs(60));
        assert_eq!(s.jittered(3, 1.0), Duration::from_secs(120));
        assert_eq!(s.jittered(3, 0.5), Duration::from_secs(90));
    }

    #[test]
    fn attempts_go_on_for_three_days_and_then_stop() {
        let s = Schedule::default();
        assert_eq!(s.period(), Duration::from_secs(72 * 3600));
        let day = Duration::from_secs(24 * 3600);
        assert!(s.next(20, day, 1.0).is_some());
        assert_eq!(s.next(20, s.period() - Duration::from_secs(60), 0.0), None);
        // The shortest schedule (every jitter at its lowest) still tries for three days:
        // the attempts until the period is over, counted here, are more than a day's.
        let (mut elapsed, mut failed) = (Duration::ZERO, 0);
        while let Some(wait) = s.next(failed + 1, elapsed, 0.0) {
            elapsed += wait;
            failed += 1;
        }
        assert!(elapsed > day, "{elapsed:?}");
        // By hand, at jitter 0: 15+30+...+7680 s (10 doublings, 15345 s) then 10800 s
        // steps while the total stays within 259200 s: 22 more, 252945 s, 32 retries
        // (python3: t=sum(15*2**k for k in range(10)), then += 10800 while <= 259200).
        assert_eq!((failed, elapsed.as_secs()), (32, 252_945));
    }
}
