//! Which units of a lot to draw: uniform random samples without replacement from the
//! unit numbers 1..=N, reproducible from a stored seed.
//!
//! The algorithm is written out here rather than taken from a general-purpose crate, so
//! that the same seed gives the same units in every future version of lotgate (a random
//! number crate may change its streams between releases) and a stored order can always
//! be re-derived from its seed:
//!
//! * Generator: SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//!   generators", OOPSLA 2014): a 64-bit counter advanced by the golden-ratio constant,
//!   then mixed. Not for secrets; ample for drawing inspection units.
//! * Bounded integers: Lemire's multiply-and-reject ("Fast random integer generation in
//!   an interval", 2019), exactly uniform over 0..bound.
//! * Order of the lot: a Fisher-Yates shuffle of 1..=N carried out lazily, one position
//!   at a time, with the swapped positions kept in a map, so drawing 2,000 units of a lot
//!   of 100,000,000 touches 2,000 positions, not the whole lot.
//!
//! A sample of n units is the first n units of the shuffled lot that are not to be
//! avoided. Each sample taken alone is therefore a uniform random n-subset of the lot.
//! Non-destructive samples with different n are nested (the smaller is the start of the
//! larger), which saves handling; equal n share their units; a destructive test takes
//! units no other sample uses, as long as the lot has enough of them.

use std::collections::{HashMap, HashSet};

/// The SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        // Products whose low half falls under 2^64 mod bound would over-weight some values.
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(bound);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

/// The units 1..=N in the random order the seed gives, produced one at a time.
#[derive(Debug, Clone)]
pub struct ShuffledLot {
    rng: SplitMix64,
    lot_size: u64,
    position: u64,
    /// Positions whose unit is no longer the one they started with (0-based).
    moved: HashMap<u64, u64>,
}

impl ShuffledLot {
    pub fn new(seed: u64, lot_size: u64) -> Self {
        Self {
            rng: SplitMix64::new(seed),
            lot_size,
            position: 0,
            moved: HashMap::new(),
        }
    }
}

impl Iterator for ShuffledLot {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        if self.position >= self.lot_size {
            return None;
        }
        let i = self.position;
        let j = i + self.rng.below(self.lot_size - i);
        let at_j = self.moved.get(&j).copied().unwrap_or(j);
        let at_i = self.moved.get(&i).copied().unwrap_or(i);
        self.moved.insert(j, at_i);
        self.moved.remove(&i);
        self.position += 1;
        Some(at_j + 1)
    }
}

/// A sample already drawn for the lot (stored with its order).
#[derive(Debug, Clone, Copy)]
pub struct DrawnSample<'a> {
    pub sample_size: u64,
    pub destructive: bool,
    pub units: &'a [u64],
}

/// A sample to draw now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WantedSample {
    pub sample_size: u64,
    pub destructive: bool,
}

/// The units of each wanted sample (ascending), in the order asked, for a lot of
/// `lot_size` units whose order was drawn with `seed` and which already has the samples
/// `drawn`. Non-destructive samples are drawn first: a sample of the same size as one
/// already drawn (or asked for) shares its units, any other avoids the units of
/// destructive tests. Destructive samples then avoid every unit in use. When the lot has
/// too few units left to avoid, the sample is completed with avoided units, in the
/// shuffled order. A sample size above the lot size is taken as the lot size.
pub fn draw_samples(
    seed: u64,
    lot_size: u64,
    drawn: &[DrawnSample<'_>],
    wanted: &[WantedSample],
) -> Vec<Vec<u64>> {
    let mut out: Vec<Option<Vec<u64>>> = vec![None; wanted.len()];
    let mut shared: HashMap<u64, Vec<u64>> = drawn
        .iter()
        .filter(|d| !d.destructive)
        .map(|d| (d.sample_size, d.units.to_vec()))
        .collect();
    let destructive_units: HashSet<u64> = drawn
        .iter()
        .filter(|d| d.destructive)
        .flat_map(|d| d.units.iter().copied())
        .collect();
    for (i, w) in wanted.iter().enumerate().filter(|(_, w)| !w.destructive) {
        let units = shared
            .entry(w.sample_size)
            .or_insert_with(|| take(seed, lot_size, w.sample_size, &destructive_units))
            .clone();
        out[i] = Some(units);
    }
    let mut in_use = destructive_units;
    in_use.extend(shared.values().flatten().copied());
    for (i, w) in wanted.iter().enumerate().filter(|(_, w)| w.destructive) {
        let units = take(seed, lot_size, w.sample_size, &in_use);
        in_use.extend(units.iter().copied());
        out[i] = Some(units);
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

/// The first `n` units of the shuffled lot not in `avoid`, completed with avoided ones
/// when too few remain; ascending.
fn take(seed: u64, lot_size: u64, n: u64, avoid: &HashSet<u64>) -> Vec<u64> {
    let n = n.min(lot_size);
    let mut units: Vec<u64> = ShuffledLot::new(seed, lot_size)
        .filter(|u| !avoid.contains(u))
        .take(n as usize)
        .collect();
    if (units.len() as u64) < n {
        let missing = n as usize - units.len();
        units.extend(
            ShuffledLot::new(seed, lot_size)
                .filter(|u| avoid.contains(u))
                .take(missing),
        );
    }
    units.sort_unstable();
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: u64) -> WantedSample {
        WantedSample {
            sample_size: n,
            destructive: false,
        }
    }

    fn destructive(n: u64) -> WantedSample {
        WantedSample {
            sample_size: n,
            destructive: true,
        }
    }

    #[test]
    fn splitmix64_gives_the_published_stream_for_seed_1234567() {
        // Computed apart from this code, with the algorithm written in Python:
        // python3 -c 'M=2**64-1;s=1234567
        // for _ in range(3):
        //  s=(s+0x9E3779B97F4A7C15)&M;z=s;z=((z^(z>>30))*0xBF58476D1CE4E5B9)&M
        //  z=((z^(z>>27))*0x94D049BB133111EB)&M;print(z^(z>>31))'
        // -> 6457827717110365317 3203168211198807973 9817491932198370423
        let mut rng = SplitMix64::new(1_234_567);
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423
            ]
        );
    }

    #[test]
    fn the_same_seed_draws_the_same_units() {
        let a = draw_samples(42, 1000, &[], &[sample(80), destructive(13)]);
        let b = draw_samples(42, 1000, &[], &[sample(80), destructive(13)]);
        let c = draw_samples(43, 1000, &[], &[sample(80), destructive(13)]);

        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_sample_holds_n_distinct_units_of_the_lot_in_ascending_order() {
        let units = &draw_samples(7, 100_000_000, &[], &[sample(1250)])[0];

        assert_eq!(units.len(), 1250);
        assert!(units.windows(2).all(|w| w[0] < w[1]));
        assert!(units.iter().all(|u| (1..=100_000_000).contains(u)));
    }

    #[test]
    fn equal_sizes_share_units_smaller_samples_nest_and_destructive_ones_stand_apart() {
        let d = draw_samples(
            9,
            500,
            &[],
            &[
                sample(50),
                destructive(20),
                sample(50),
                sample(8),
                destructive(20),
            ],
        );

        assert_eq!(d[0], d[2]);
        assert!(d[3].iter().all(|u| d[0].contains(u)));
        let apart = |a: &[u64], b: &[u64]| a.iter().all(|u| !b.contains(u));
        assert!(apart(&d[1], &d[0]) && apart(&d[4], &d[0]) && apart(&d[1], &d[4]));
        assert_eq!((d[1].len(), d[4].len()), (20, 20));
    }

    #[test]
    fn a_sample_added_later_keeps_clear_of_the_stored_destructive_units() {
        let first = draw_samples(5, 60, &[], &[destructive(32)]);
        let drawn = [DrawnSample {
            sample_size: 32,
            destructive: true,
            units: &first[0],
        }];

        let later = draw_samples(5, 60, &drawn, &[sample(20), sample(32)]);

        assert!(later[0].iter().all(|u| !first[0].contains(u)));
        // Only 28 units are left clear: the other 4 come from the destructive sample.
        assert_eq!(later[1].len(), 32);
        assert_eq!(later[1].iter().filter(|u| first[0].contains(u)).count(), 4);
    }

    #[test]
    fn a_destructive_sample_overlaps_only_when_the_lot_is_too_small() {
        let d = draw_samples(3, 10, &[], &[sample(8), destructive(5)]);

        assert_eq!(d[1].len(), 5);
        assert_eq!(d[1].iter().filter(|u| d[0].contains(u)).count(), 3);
    }

    /// Every unit is equally likely to be drawn: over 20,000 seeds a sample of 5 from a
    /// lot of 20 draws each unit 5,000 times in expectation. Pearson's chi-square over the
    /// 20 counts has 19 degrees of freedom; its 0.999 quantile, from SciPy:
    /// `python3 -c 'from scipy.stats import chi2; print(chi2.ppf(0.999, 19))'`
    /// -> 43.82019596451753.
    #[test]
    fn every_unit_is_equally_likely_chi_square() {
        let (lot, n, seeds) = (20u64, 5u64, 20_000u64);
        let mut counts = vec![0u64; lot as usize];
        for seed in 0..seeds {
            for u in &draw_samples(seed, lot, &[], &[sample(n)])[0] {
                counts[(*u - 1) as usize] += 1;
            }
        }
        let expected = (seeds * n) as f64 / lot as f64;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();

        assert!(
            chi2 < 43.820_195_964_517_53,
            "chi-square {chi2}, counts {counts:?}"
        );
    }

    /// The destructive sample, drawn after a non-destructive one, is uniform too: over
    /// 20,000 seeds a destructive sample of 2 from a lot of 10 beside a sample of 3 draws
    /// each unit 4,000 times in expectation; 9 degrees of freedom, 0.999 quantile from
    /// SciPy: `python3 -c 'from scipy.stats import chi2; print(chi2.ppf(0.999, 9))'`
    /// -> 27.877164871256568.
    #[test]
    fn a_destructive_sample_is_uniform_too_chi_square() {
        let (lot, seeds) = (10u64, 20_000u64);
        let mut counts = vec![0u64; lot as usize];
        for seed in 0..seeds {
            for u in &draw_samples(seed, lot, &[], &[sample(3), destructive(2)])[1] {
                counts[(*u - 1) as usize] += 1;
            }
        }
        let expected = (seeds * 2) as f64 / lot as f64;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();

        assert!(
            chi2 < 27.877_164_871_256_568,
            "chi-square {chi2}, counts {counts:?}"
        );
    }
}
