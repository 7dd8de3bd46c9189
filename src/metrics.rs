//! What `/metrics` is made of: lock-free counters and histograms that the hot paths bump
//! with relaxed atomic additions, and a writer of the Prometheus text format (version
//! 0.0.4) that reads them when an operator's scraper asks. Imports nothing of lotgate,
//! so every layer may count.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The media type of the exposition.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Bounds for a request's latency, in seconds: a cached read takes well under a
/// millisecond, a recorded inspection a few, a large statistics report a few hundred.
pub const REQUEST_SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Bounds for the wait of a pool checkout, in seconds: an idle connection is handed out
/// in microseconds; a ping takes tens of them, a new connection milliseconds, and the
/// pool gives up after its checkout timeout (one second when serving).
pub const CHECKOUT_SECONDS: &[f64] = &[
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
    2.5,
];

/// A count that only grows.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Durations counted into fixed buckets. Each observation bumps one bucket and the sum;
/// the count is the buckets' total, so `+Inf` and `_count` always agree.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    bounds_nanos: Box<[u64]>,
    /// One more than `bounds`: the last holds what is above every bound.
    buckets: Box<[AtomicU64]>,
    sum_nanos: AtomicU64,
}

impl Histogram {
    /// `bounds` in seconds, ascending.
    pub fn new(bounds: &'static [f64]) -> Self {
        debug_assert!(bounds.windows(2).all(|w| w[0] < w[1]));
        Histogram {
            bounds,
            bounds_nanos: bounds.iter().map(|b| (b * 1e9).round() as u64).collect(),
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum_nanos: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        let bucket = self.bounds_nanos.partition_point(|&b| b < nanos);
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// What was observed so far: cumulative counts per bound, the count and the sum.
    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut total = 0;
        let cumulative = self
            .buckets
            .iter()
            .map(|b| {
                total += b.load(Ordering::Relaxed);
                total
            })
            .collect();
        HistogramSnapshot {
            bounds: self.bounds,
            cumulative,
            sum_seconds: self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

/// A histogram read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot {
    pub bounds: &'static [f64],
    /// Observations at or below each bound, then the total (`+Inf`).
    pub cumulative: Vec<u64>,
    pub sum_seconds: f64,
}

impl HistogramSnapshot {
    pub fn count(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }
}

/// The kinds of metric families the text format knows.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// Writes metric families in the Prometheus text format.
#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a family: its help line and type. Every sample of the family follows.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let kind = match kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        };
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    /// One sample line.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        self.out.push_str(name);
        self.labels(labels, None);
        let _ = writeln!(self.out, " {value}");
    }

    /// The `_bucket`, `_sum` and `_count` lines of one histogram of the family `name`.
    pub fn histogram(&mut self, name: &str, labels: &[(&str, &str)], h: &HistogramSnapshot) {
        let les = h
            .bounds
            .iter()
            .map(|b| b.to_string())
            .chain(std::iter::once("+Inf".to_string()));
        for (le, count) in les.zip(&h.cumulative) {
            let _ = write!(self.out, "{name}_bucket");
            self.labels(labels, Some(&le));
            let _ = writeln!(self.out, " {count}");
        }
        let _ = write!(self.out, "{name}_sum");
        self.labels(labels, None);
        let _ = writeln!(self.out, " {}", h.sum_seconds);
        let _ = write!(self.out, "{name}_count");
        self.labels(labels, None);
        let _ = writeln!(self.out, " {}", h.count());
    }

    fn labels(&mut self, labels: &[(&str, &str)], le: Option<&str>) {
        let all = labels.iter().copied().chain(le.map(|le| ("le", le)));
        let mut first = true;
        for (name, value) in all {
            self.out.push(if first { '{' } else { ',' });
            first = false;
            let value = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            let _ = write!(self.out, "{name}=\"{value}\"");
        }
        if !first {
            self.out.push('}');
        }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_observation_lands_in_the_first_bucket_whose_bound_holds_it() {
        let h = Histogram::new(&[0.001, 0.01]);

        h.observe(Duration::from_micros(1000)); // exactly on the bound: le="0.001"
        h.observe(Duration::from_micros(1001));
        h.observe(Duration::from_secs(3));
        let s = h.snapshot();

        assert_eq!(s.cumulative, vec![1, 2, 3]);
        assert_eq!(s.count(), 3);
        assert!((s.sum_seconds - 3.002001).abs() < 1e-9, "{}", s.sum_seconds);
    }

    #[test]
    fn a_histogram_is_written_cumulatively_with_its_sum_and_count() {
        let h = Histogram::new(&[0.5, 1.0]);
        h.observe(Duration::from_millis(250));
        h.observe(Duration::from_millis(750));
        let mut out = Exposition::new();

        out.family("x_seconds", Kind::Histogram, "How long x took.");
        out.histogram("x_seconds", &[("op", "a")], &h.snapshot());

        assert_eq!(
            out.finish(),
            "# HELP x_seconds How long x took.\n\
             # TYPE x_seconds histogram\n\
             x_seconds_bucket{op=\"a\",le=\"0.5\"} 1\n\
             x_seconds_bucket{op=\"a\",le=\"1\"} 2\n\
             x_seconds_bucket{op=\"a\",le=\"+Inf\"} 2\n\
             x_seconds_sum{op=\"a\"} 1\n\
             x_seconds_count{op=\"a\"} 2\n"
        );
    }

    #[test]
    fn label_values_are_escaped_and_a_sample_without_labels_has_no_braces() {
        let mut out = Exposition::new();

        out.sample("a", &[("v", "say \"hi\"\\\n")], 1);
        out.sample("b", &[], 2.5);

        assert_eq!(out.finish(), "a{v=\"say \\\"hi\\\"\\\\\\n\"} 1\nb 2.5\n");
    }
}
