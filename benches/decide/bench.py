#!/usr/bin/env python3
"""decide_lot after 100 and after 10,000 decided lots of one supplier and part, side by side
in one run (issue 19). Usage: benches/decide/run [LOTS_TIMED]   (see docs/performance.md)

Starts lotgate on a private PostgreSQL cluster in a temporary folder, creates one supplier
and two parts of 8 variable characteristics through the API, and fills each part's history
with COPY: 100 decided lots for the first part, 10,000 for the second (one decision each,
with its stored outcome: accepted on normal inspection, 50 units). Then, for each part,
registers LOTS_TIMED new lots with a sampling inspection of 50 units through the API, and
decides them, alternating between the two parts, timing each decide_lot request. The first
decision of each part replays its whole copied history once (it was stored without
switching checkpoints, as a history decided before checkpoints existed would be): it is
timed apart. Prints p50/p95 per part and the ratio of the two.
"""

import hashlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benches" / "api"))
import bench as api_bench  # noqa: E402  (api(), wait_ready(), the run's admin token)

from bench import api  # noqa: E402

# A port of its own, so that it can run beside benches/api.
api_bench.PORT = int(os.environ.get("LOTGATE_BENCH_PORT", "18481"))
api_bench.BASE = f"http://127.0.0.1:{api_bench.PORT}"

BIN = Path(os.environ.get("LOTGATE_BIN", ROOT / "target" / "release" / "lotgate"))
TIMED = int(sys.argv[1]) if len(sys.argv) > 1 else 40
UNITS = 50  # lot size 500, inspection level II: code letter H, n = 50 (ISO 2859-1 Table I, II-A)


def part_with_characteristics(label):
    part = api("POST", "/api/v1/parts", {"number": f"DEC-{label}-{uuid.uuid4().hex[:6]}", "name": f"Decide {label}",
                                         "stage": "part"})
    chars = [api("POST", f"/api/v1/parts/{part['id']}/characteristics",
                 {"name": f"Dimension {i}", "kind": "variable", "unit": "mm", "nominal": 12.0, "lsl": 11.8,
                  "usl": 12.2, "classification": "major", "aql": 1.0, "inspection_level": "II"})["id"]
             for i in range(1, 9)]
    return part["id"], chars


def copy_history(conninfo, work, supplier, part, chars, lots):
    """`lots` decided lots of the part, 8 a day from 2015-01-01, each accepted on normal."""
    rows = {"lots": [], "lot_decisions": [], "decision_outcomes": [], "decision_characteristic_outcomes": []}
    first = date(2015, 1, 1)
    for n in range(lots):
        lot, decision = uuid.uuid4(), uuid.uuid4()
        day = first + timedelta(days=n // 8)
        rows["lots"].append(f"{lot}\t{part}\t{supplier}\tH-{n:06d}\t500\t{day}\t1")
        rows["lot_decisions"].append(f"{decision}\t{lot}\t1\taccept\t{{}}\t{{}}\t{day}T12:00:00Z")
        rows["decision_outcomes"].append(f"{decision}\tf\tf")
        for c in chars:
            rows["decision_characteristic_outcomes"].append(
                f"{decision}\t{c}\tnormal\taccept\t{UNITS}\t0\tt\t1\t0\t0")
    columns = {
        "lots": "id, part_id, supplier_id, lot_number, lot_size, produced_on, input_changes",
        "lot_decisions": "id, lot_id, revision, verdict, inputs, decision, decided_at",
        "decision_outcomes": "decision_id, production_steady, reduced_approved",
        "decision_characteristic_outcomes": "decision_id, characteristic_id, severity, verdict, units_inspected, "
                                            "defectives, switching_accepted, switching_acceptance_number, "
                                            "switching_nonconforming, switching_acceptance_number_one_step_tighter",
    }
    script = ["BEGIN;"]
    for table, lines in rows.items():
        path = work / f"{table}.tsv"
        path.write_text("\n".join(lines) + "\n")
        script.append(f"\\copy {table} ({columns[table]}) FROM '{path}'")
    # As autovacuum would after such a load: the planner sees the tables as they are.
    script += ["COMMIT;", "ANALYZE;"]
    (work / "history.sql").write_text("\n".join(script) + "\n")
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(work / "history.sql"), conninfo], check=True)


def inspected_lot(supplier, part, chars, n):
    lot = api("POST", "/api/v1/lots", {"part_id": part, "supplier_id": supplier, "lot_number": f"T-{n}-{uuid.uuid4().hex[:6]}",
                                       "lot_size": 500, "produced_on": "2026-11-20"})["id"]
    units = [{"unit": u, "serial": f"S-{u}",
              "measurements": [{"characteristic_id": c, "value": round(12 + ((u * 7 + i) % 13 - 6) / 100, 3)}
                               for i, c in enumerate(chars)]} for u in range(1, UNITS + 1)]
    api("POST", f"/api/v1/lots/{lot}/inspections",
        {"id": str(uuid.uuid4()), "source": "factory", "mode": "sampling", "inspector": "bench",
         "inspected_at": "2026-11-20T09:15:00Z", "units": units})
    return lot


def timed_decide(lot):
    started = time.perf_counter()
    api("POST", f"/api/v1/lots/{lot}/decision", {})
    return (time.perf_counter() - started) * 1000


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    work = Path(tempfile.mkdtemp(prefix="lotgate-decide-"))
    os.chmod(work, 0o755)
    data_dir = work / "pg"
    server = subprocess.Popen([str(BIN), "serve", "--bind", f"127.0.0.1:{api_bench.PORT}", "--data-dir", str(data_dir),
                               "--rate-limit", "0"], env={**os.environ, "RUST_LOG": "warn"}, stdout=subprocess.DEVNULL)
    try:
        api_bench.wait_ready()
        conninfo = f"host={data_dir} user=lotgate dbname=lotgate"
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", conninfo, "-c",
                        "INSERT INTO api_tokens (id, name, holder, role, token_sha256) VALUES "
                        f"('{api_bench.TOKEN_ID}', 'benchmark', 'person', 'admin', "
                        f"decode('{hashlib.sha256(api_bench.TOKEN.encode()).hexdigest()}', 'hex'))"], check=True)
        supplier = api("POST", "/api/v1/suppliers", {"name": "Decide factory", "code": f"D{uuid.uuid4().hex[:6]}"})["id"]
        sizes = (100, 10_000)
        parts = {n: part_with_characteristics(n) for n in sizes}
        started = time.perf_counter()
        for n, (part, chars) in parts.items():
            copy_history(conninfo, work, supplier, part, chars, n)
        print(f"history copied in {time.perf_counter() - started:.1f} s")
        lots = {n: [inspected_lot(supplier, part, chars, k) for k in range(TIMED + 1)] for n, (part, chars) in parts.items()}
        first = {n: timed_decide(lots[n][0]) for n in sizes}
        times = {n: [] for n in sizes}
        for k in range(1, TIMED + 1):
            for n in sizes:
                times[n].append(timed_decide(lots[n][k]))
        # The newest lot of each part decided again (a new revision), alternating too.
        again = {n: [] for n in sizes}
        for _ in range(10):
            for n in sizes:
                again[n].append(timed_decide(lots[n][-1]))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        subprocess.run(["rm", "-rf", str(work)])
    print(f"\n{'decided lots before':>20} {'first decision ms':>18} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'re-decide p50 ms':>17}   ({TIMED} new lots each, alternating)")
    for n in sizes:
        print(f"{n:>20,} {first[n]:>18.1f} {statistics.median(times[n]):>8.1f} {pct(times[n], 0.95):>8.1f} "
              f"{statistics.median(again[n]):>17.1f}")
    small, large = sizes
    print(f"\nratio 10,000 / 100: p50 {statistics.median(times[large]) / statistics.median(times[small]):.2f}, "
          f"p95 {pct(times[large], 0.95) / pct(times[small], 0.95):.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
