//! Statistics over 1,000,000 measurements (DESIGN.md target: no slower than NumPy).
//!
//! `describe_1e6` is the like-for-like comparison with NumPy's mean, std(ddof=1),
//! min, max and median (see `numpy_compare.py`, which reads the same data from
//! the file this bench writes when `LOTGATE_BENCH_DATA` is set). The
//! `capability_*` benches time the full report (sort, Anderson-Darling, chart,
//! per-value deviations) for information.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lotgate_stats::{Spec, capability, describe};

const N: usize = 1_000_000;

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, seeded, reproducible anywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on (0, 1]: never 0, so the logarithm below is finite.
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Measurements of a 10 mm nominal dimension, sd 0.05 mm (Box-Muller).
fn measurements(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64(seed);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let (u1, u2) = (rng.uniform(), rng.uniform());
        let r = (-2.0 * u1.ln()).sqrt();
        let t = std::f64::consts::TAU * u2;
        out.push(10.0 + 0.05 * r * t.cos());
        out.push(10.0 + 0.05 * r * t.sin());
    }
    out.truncate(n);
    out
}

fn write_data(values: &[f64]) {
    if let Ok(path) = std::env::var("LOTGATE_BENCH_DATA") {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(&path, bytes).expect("write benchmark data");
        let d = describe(values).expect("finite data");
        eprintln!(
            "lotgate: n={} mean={:.12} sd={:.12} min={:.12} max={:.12} median={:.12}",
            d.n,
            d.mean.unwrap_or(f64::NAN),
            d.sd.unwrap_or(f64::NAN),
            d.min.unwrap_or(f64::NAN),
            d.max.unwrap_or(f64::NAN),
            d.median.unwrap_or(f64::NAN)
        );
    }
}

fn bench(c: &mut Criterion) {
    let values = measurements(N, 20_240_601);
    write_data(&values);
    let spec = Spec {
        nominal: Some(10.0),
        lsl: Some(9.85),
        usl: Some(10.15),
        golden_sample: Some(10.01),
    };

    c.bench_function("describe_1e6", |b| b.iter(|| describe(black_box(&values))));
    let mut slow = c.benchmark_group("full_report");
    slow.sample_size(20);
    slow.bench_function("capability_1e6_individuals", |b| {
        b.iter(|| capability(black_box(&values), &spec, 1))
    });
    slow.bench_function("capability_1e6_subgroups_5", |b| {
        b.iter(|| capability(black_box(&values), &spec, 5))
    });
    slow.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
