//! Drawing cost of the charts at the sizes lotgate meets: a control chart of 125,000
//! points (thinned to 1,000 for drawing) and a histogram of as many values.

use criterion::{Criterion, criterion_group, criterion_main};
use lotgate_charts::{ControlChartInput, HistogramInput, control_chart, histogram};

fn values(n: usize) -> Vec<f64> {
    // A deterministic wobble around 12 mm, no randomness needed for timing.
    (0..n)
        .map(|i| 12.0 + ((i * 7919) % 997) as f64 / 10_000.0 - 0.05)
        .collect()
}

fn bench(c: &mut Criterion) {
    let v = values(125_000);
    let points: Vec<Option<f64>> = v.iter().copied().map(Some).collect();
    c.bench_function("control_chart_125k_points", |b| {
        b.iter(|| {
            control_chart(&ControlChartInput {
                title: "Width: individuals chart",
                y_label: "Width (mm)",
                x_label: "Unit, in inspection order",
                unit: Some("mm"),
                points: &points,
                centre_line: Some(12.0),
                ucl: Some(12.1),
                lcl: Some(11.9),
                violations: &[],
                spread: false,
            })
        })
    });
    c.bench_function("histogram_125k_values", |b| {
        b.iter(|| {
            histogram(&HistogramInput {
                name: "Width",
                unit: Some("mm"),
                values: &v,
                lsl: Some(11.9),
                usl: Some(12.1),
                nominal: Some(12.0),
                golden_reference: Some(12.01),
            })
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
