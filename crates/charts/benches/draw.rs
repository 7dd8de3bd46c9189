//! Drawing cost of the charts at the sizes lotgate meets: a control chart of 125,000
//! points (thinned to 1,000 for drawing) and a histogram of as many values, each beside
//! its baseline in the same run: the same chart of 1,000 points, drawn point by point.
//!
//! `cargo bench -p lotgate-charts --bench draw`

use criterion::{Criterion, criterion_group, criterion_main};
use lotgate_charts::{ControlChartInput, HistogramInput, control_chart, histogram};

fn values(n: usize) -> Vec<f64> {
    // A deterministic wobble around 12 mm, no randomness needed for timing.
    (0..n)
        .map(|i| 12.0 + ((i * 7919) % 997) as f64 / 10_000.0 - 0.05)
        .collect()
}

fn control(points: &[Option<f64>]) -> String {
    control_chart(&ControlChartInput {
        title: "Width: individuals chart",
        y_label: "Width (mm)",
        x_label: "Unit, in inspection order",
        unit: Some("mm"),
        points,
        centre_line: Some(12.0),
        ucl: Some(12.1),
        lcl: Some(11.9),
        violations: &[],
        spread: false,
    })
}

fn hist(values: &[f64]) -> String {
    histogram(&HistogramInput {
        name: "Width",
        unit: Some("mm"),
        values,
        lsl: Some(11.9),
        usl: Some(12.1),
        nominal: Some(12.0),
        golden_reference: Some(12.01),
    })
}

fn bench(c: &mut Criterion) {
    for n in [1_000, 125_000] {
        let v = values(n);
        let points: Vec<Option<f64>> = v.iter().copied().map(Some).collect();
        c.bench_function(&format!("control_chart_{n}_points"), |b| {
            b.iter(|| control(&points))
        });
        c.bench_function(&format!("histogram_{n}_values"), |b| b.iter(|| hist(&v)));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
