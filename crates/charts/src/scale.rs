//! Linear scales and round tick values.

/// Maps a domain interval onto a pixel interval.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Linear {
    /// `domain` must not be empty; use [`padded`] first.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Linear {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
        }
    }

    pub fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    pub fn domain(&self) -> (f64, f64) {
        (self.d0, self.d1)
    }
}

/// The range `lo..hi` widened by 5 % on each side (or by 1 around a single value).
pub(crate) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if hi > lo {
        let pad = (hi - lo) * 0.05;
        (lo - pad, hi + pad)
    } else {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        (lo - pad, hi + pad)
    }
}

/// A round step (1, 2 or 5 times a power of ten) giving about `target` ticks over
/// `lo..hi`, and the ticks within it.
pub(crate) fn ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let span = hi - lo;
    if span <= 0.0 || !span.is_finite() {
        return (vec![lo], 1.0);
    }
    let raw = span / target.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let out = (first..=last).map(|k| k as f64 * step).collect();
    (out, step)
}

/// A tick label with as many decimals as the step needs.
pub(crate) fn label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside_the_range() {
        let (t, step) = ticks(9.87, 10.13, 5);
        // 0.26 / 5 = 0.052: the next round step up is 0.1.
        assert_eq!(step, 0.1);
        assert_eq!(t.first().map(|v| label(*v, step)), Some("9.9".into()));
        assert_eq!(t.last().map(|v| label(*v, step)), Some("10.1".into()));
    }

    #[test]
    fn a_scale_maps_the_ends_of_its_domain_onto_its_range() {
        let s = Linear::new((2.0, 4.0), (100.0, 0.0));
        assert_eq!(s.at(2.0), 100.0);
        assert_eq!(s.at(4.0), 0.0);
        assert_eq!(s.at(3.0), 50.0);
    }

    #[test]
    fn a_single_value_gets_a_range_around_it() {
        assert_eq!(padded(10.0, 10.0), (9.5, 10.5));
        assert_eq!(padded(0.0, 0.0), (-1.0, 1.0));
    }
}
