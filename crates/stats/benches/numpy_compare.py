#!/usr/bin/env python3
"""Compare lotgate-stats with NumPy on the same 1,000,000 measurements.

Runs the criterion bench `capability` (which writes its data set to
$LOTGATE_BENCH_DATA as little-endian f64), loads the very same bytes into
NumPy, times mean, std(ddof=1), min, max and median together, and prints the
ratio lotgate / NumPy (below 1.0 means lotgate is faster).

    pip install numpy
    python3 crates/stats/benches/numpy_compare.py       # from the workspace root

Set CARGO_TARGET_DIR as usual; the script reads criterion's estimates from it.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
REPEATS = 200


def run_bench(data_path: Path) -> None:
    env = dict(os.environ, LOTGATE_BENCH_DATA=str(data_path))
    cmd = ["cargo", "bench", "-p", "lotgate-stats", "--bench", "capability"]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def criterion_ns(bench_id: str) -> dict:
    path = TARGET / "criterion" / bench_id / "new" / "estimates.json"
    est = json.loads(path.read_text())
    return {k: est[k]["point_estimate"] for k in ("mean", "median")}


def numpy_stats(x: np.ndarray):
    return x.mean(), x.std(ddof=1), x.min(), x.max(), np.median(x)


def time_numpy(x: np.ndarray) -> dict:
    numpy_stats(x)  # warm up
    samples = []
    for _ in range(REPEATS):
        t0 = time.perf_counter_ns()
        numpy_stats(x)
        samples.append(time.perf_counter_ns() - t0)
    samples.sort()
    return {"mean": sum(samples) / len(samples), "median": samples[len(samples) // 2]}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "measurements.f64"
        run_bench(data_path)
        x = np.fromfile(data_path, dtype="<f8")
    mean, sd, lo, hi, med = numpy_stats(x)
    print(f"numpy:   n={x.size} mean={mean:.12f} sd={sd:.12f} min={lo:.12f} max={hi:.12f} median={med:.12f}")

    numpy_ns = time_numpy(x)
    ours = criterion_ns("describe_1e6")
    print(f"\nNumPy {np.__version__}: mean+std(ddof=1)+min+max+median, {REPEATS} runs")
    print(f"  numpy    mean {numpy_ns['mean'] / 1e6:8.3f} ms   median {numpy_ns['median'] / 1e6:8.3f} ms")
    print(f"  lotgate  mean {ours['mean'] / 1e6:8.3f} ms   median {ours['median'] / 1e6:8.3f} ms  (describe)")
    print(f"  ratio lotgate/NumPy: mean {ours['mean'] / numpy_ns['mean']:.3f}, median {ours['median'] / numpy_ns['median']:.3f}")
    for full in ("capability_1e6_individuals", "capability_1e6_subgroups_5"):
        est = criterion_ns(f"full_report/{full}")
        print(f"  full report {full}: median {est['median'] / 1e6:.1f} ms (sort, AD, chart, deviations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
