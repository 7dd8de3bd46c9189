//! Benchmarks: plan lookup, and the hypergeometric OC of 1,000 points for n = 1250.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lotgate_sampling::{InspectionLevel, OcModel, Severity, oc_curve, single_sampling_plan};

fn plan_lookup(c: &mut Criterion) {
    c.bench_function("plan lookup (N=10000, II, AQL 1.0, normal)", |b| {
        b.iter(|| {
            single_sampling_plan(
                black_box(10_000),
                InspectionLevel::II,
                black_box(1.0),
                Severity::Normal,
            )
        })
    });
}

fn hypergeometric_oc(c: &mut Criterion) {
    // Lot 600,000 at level II gives code letter Q, n = 1250; AQL 1.0 normal gives Ac = 21.
    // The OC is computed for a lot of N = 10,000 as the brief asks.
    let plan = single_sampling_plan(600_000, InspectionLevel::II, 1.0, Severity::Normal).unwrap();
    assert_eq!((plan.sample_size, plan.acceptance_number), (1250, 21));
    let grid: Vec<f64> = (0..1000).map(|k| 0.05 * f64::from(k) / 999.0).collect();
    c.bench_function("OC hypergeometric 1000 points n=1250 c=21 N=10000", |b| {
        b.iter(|| {
            oc_curve(
                OcModel::Hypergeometric { lot_size: 10_000 },
                10_000,
                1250,
                21,
                black_box(&grid),
            )
        })
    });
}

criterion_group!(benches, plan_lookup, hypergeometric_oc);
criterion_main!(benches);
