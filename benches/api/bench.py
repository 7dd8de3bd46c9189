#!/usr/bin/env python3
"""lotgate against its physical limits, side by side, in one run (called by benches/api/run).

Starts lotgate (release build) on a private PostgreSQL cluster in a temporary folder,
loads the data each case needs through the API, then for each case runs lotgate and
its baseline on the same machine, one after the other:

  record_inspection   wrk POSTs (1 unit, 10 measurements)   vs pgbench record_inspection.sql
  record, paced       wrk at half the 4-client maximum rate (latency at a fixed rate)
  get_lot_statistics  wrk GETs (lot of 1,250 measurements)  vs pgbench lot_statistics.sql
  get_lot_decision    wrk GETs (the same lot, decided)      vs pgbench lot_decision.sql
  bulk import         POST 100,000 measurements as CSV      vs psql \\copy of the same rows

and prints throughput, p50/p99 latency, lotgate's memory and the ratio to the baseline.
"""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "benches" / "api"
BIN = ROOT / "target" / "release" / "lotgate"
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
PORT = 18181
BASE = f"http://127.0.0.1:{PORT}"
# An admin token for the run, stored the way `lotgate token create` stores one (SHA-256).
TOKEN = "lgt_" + os.urandom(32).hex()
TOKEN_ID = str(uuid.uuid4())
TOKEN_SHA256 = hashlib.sha256(TOKEN.encode()).hexdigest()


def api(method, path, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"}
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=600) as res:
        return json.loads(res.read() or b"null")


def rss_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def wrk(script, connections, seconds, env):
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", str(HERE / script), BASE],
        env={**os.environ, "SEED": str(int.from_bytes(os.urandom(3), "big")), "TOKEN": TOKEN, **env},
        capture_output=True, text=True, check=True).stdout
    if "unexpected status" in out:
        raise SystemExit("wrk saw errors:\n" + "\n".join(out.splitlines()[:8]))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    return rps, pct.get("50"), pct.get("99")


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def pgbench(sql_file, connections, seconds, conninfo, variables):
    logdir = Path(tempfile.mkdtemp(prefix="pgbench-"))
    variables = {"tokenid": TOKEN_ID, **variables}
    defines = [arg for k, v in variables.items() for arg in ("-D", f"{k}={v}")]
    cmd = ["pgbench", "-n", "-M", "prepared", "-c", str(connections), "-j", str(min(2, connections)),
           "-T", str(seconds), "-f", str(HERE / sql_file), "--log", "--log-prefix", str(logdir / "tx"), *defines, conninfo]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=logdir).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    latencies = sorted(int(line.split()[2]) for f in logdir.glob("tx*") for line in f.read_text().splitlines() if line)
    shutil.rmtree(logdir)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1000.0
    return tps, pick(0.50), pick(0.99)


def main():
    work = Path(tempfile.mkdtemp(prefix="lotgate-bench-"))
    os.chmod(work, 0o755)
    data_dir = work / "pg"
    # --rate-limit 0: the load generator is one token sending thousands of requests.
    server = subprocess.Popen([str(BIN), "serve", "--bind", f"127.0.0.1:{PORT}", "--data-dir", str(data_dir),
                               "--rate-limit", "0"],
                              env={**os.environ, "RUST_LOG": "warn"}, stdout=subprocess.DEVNULL)
    try:
        wait_ready()
        conninfo = f"host={data_dir} user=lotgate dbname=lotgate"
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", conninfo, "-c",
                        "INSERT INTO api_tokens (id, name, holder, role, token_sha256) "
                        f"VALUES ('{TOKEN_ID}', 'benchmark', 'person', 'admin', decode('{TOKEN_SHA256}', 'hex'))"],
                       check=True)
        rows = run_cases(server.pid, conninfo, work)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    print_table(rows)


def wait_ready():
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(BASE + "/readyz", timeout=2)
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit("lotgate did not become ready")


def setup_part():
    part = api("POST", "/api/v1/parts", {"number": f"BENCH-{uuid.uuid4().hex[:6]}", "name": "Bench clip", "stage": "part"})
    chars = [api("POST", f"/api/v1/parts/{part['id']}/characteristics",
                 {"name": f"Dimension {i}", "kind": "variable", "unit": "mm", "nominal": 12.0, "lsl": 11.8, "usl": 12.2,
                  "classification": "major", "aql": 1.0, "inspection_level": "II"})["id"] for i in range(1, 11)]
    supplier = api("POST", "/api/v1/suppliers", {"name": "Bench factory", "code": f"B{uuid.uuid4().hex[:6]}"})
    return part["id"], chars, supplier["id"]


def new_lot(part, supplier, size):
    return api("POST", "/api/v1/lots", {"part_id": part, "supplier_id": supplier, "lot_number": uuid.uuid4().hex[:12],
                                        "lot_size": size, "produced_on": "2026-11-20"})["id"]


def run_cases(pid, conninfo, work):
    rows = []
    part, chars, supplier = setup_part()
    idle = rss_kib(pid, "VmRSS")
    rows.append(("idle resident memory", None, None, None, None, None, None, f"{idle / 1024:.1f} MiB"))

    lot = new_lot(part, supplier, 100_000_000)
    env = {"LOT": lot, "CHARS": ",".join(chars)}
    variables = {"lot": lot, "part": part, **{f"c{i}": c for i, c in enumerate(chars, 1)}}
    best = {}
    for c in (1, 4, 16):
        base = pgbench("record_inspection.sql", c, SECONDS, conninfo, variables)
        mine = wrk("record.lua", c, SECONDS, env)
        best[c] = mine[0]
        rows.append((f"record_inspection, {c} client(s)", *mine, *base, f"{rss_kib(pid, 'VmHWM') / 1024:.1f} MiB"))

    rate = best[4] / 2
    connections = 16
    paced = wrk("record.lua", connections, SECONDS, {**env, "PACE_MS": str(int(1000 * connections / rate))})
    rows.append((f"record_inspection at ~{rate:.0f}/s (half of max)", *paced, None, None, None, ""))

    for scale in (1, 10, 100):
        stats_lot = lot_with_measurements(part, supplier, chars, 125 * scale)
        base = pgbench("lot_statistics.sql", 4, SECONDS, conninfo, {"lot": stats_lot, "part": part})
        mine = wrk("get.lua", 4, SECONDS, {"PATH_TO_GET": f"/api/v1/lots/{stats_lot}/statistics"})
        rows.append((f"get_lot_statistics ({1250 * scale:,} values), 4 clients", *mine, *base,
                     f"{rss_kib(pid, 'VmHWM') / 1024:.1f} MiB"))
        api("POST", f"/api/v1/lots/{stats_lot}/decision", {})
        base = pgbench("lot_decision.sql", 4, SECONDS, conninfo, {"lot": stats_lot})
        mine = wrk("get.lua", 4, SECONDS, {"PATH_TO_GET": f"/api/v1/lots/{stats_lot}/decision"})
        rows.append((f"get_lot_decision ({1250 * scale:,} values), 4 clients", *mine, *base,
                     f"{rss_kib(pid, 'VmHWM') / 1024:.1f} MiB"))

    rows.append(bulk_import(pid, conninfo, work, part, supplier, chars))
    rows.append(("peak resident memory", None, None, None, None, None, None, f"{rss_kib(pid, 'VmHWM') / 1024:.1f} MiB"))
    return rows


def lot_with_measurements(part, supplier, chars, units):
    """A lot whose current inspections hold `units` units of 10 measurements each."""
    lot = new_lot(part, supplier, units)
    for first in range(1, units + 1, 10_000):
        last = min(units, first + 9_999)
        header = "unit,serial," + ",".join(f"Dimension {i}" for i in range(1, 11))
        rows = [f"{u},," + ",".join(f"{12 + ((u * 7 + i) % 13 - 6) / 100:.2f}" for i in range(10)) for u in range(first, last + 1)]
        # Full: a lot takes several full inspections, but only one original sampling one.
        query = f"id={uuid.uuid4()}&source=factory&mode=full&inspector=bench&inspected_at=2026-11-20T09:15:00Z"
        api("POST", f"/api/v1/lots/{lot}/inspections/import?{query}", ("\n".join([header, *rows]) + "\n").encode(),
            content_type="text/csv")
    return lot


def bulk_import(pid, conninfo, work, part, supplier, chars, units=10_000, runs=3):
    header = "unit,serial," + ",".join(f"Dimension {i}" for i in range(1, 11))
    lines = [header] + [f"{u},S-{u}," + ",".join(f"{12 + ((u + i) % 9 - 4) / 100:.3f}" for i in range(10)) for u in range(1, units + 1)]
    csv_body = ("\n".join(lines) + "\n").encode()
    mine, base = [], []
    for _ in range(runs):
        lot = new_lot(part, supplier, units)
        query = f"id={uuid.uuid4()}&source=factory&mode=full&inspector=bench&inspected_at=2026-11-20T09:15:00Z"
        started = time.perf_counter()
        api("POST", f"/api/v1/lots/{lot}/inspections/import?{query}", csv_body, content_type="text/csv")
        mine.append(time.perf_counter() - started)

        lot = new_lot(part, supplier, units)
        iid = str(uuid.uuid4())
        (work / "units.csv").write_text("".join(f"{iid},{u},S-{u}\n" for u in range(1, units + 1)))
        (work / "measurements.csv").write_text("".join(
            f"{iid},{u},{c},{12 + ((u + i) % 9 - 4) / 100:.3f}\n" for u in range(1, units + 1) for i, c in enumerate(chars)))
        script = (f"BEGIN;\nINSERT INTO inspections (id, lot_id, source, mode, inspector, inspected_at, body_sha256) "
                  f"VALUES ('{iid}', '{lot}', 'factory', 'full', 'bench', now(), 'bench');\n"
                  f"\\copy inspection_units (inspection_id, unit_index, serial) FROM '{work}/units.csv' CSV\n"
                  f"\\copy measurements (inspection_id, unit_index, characteristic_id, value) FROM '{work}/measurements.csv' CSV\n"
                  "COMMIT;\n")
        (work / "copy.sql").write_text(script)
        started = time.perf_counter()
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(work / "copy.sql"), conninfo], check=True)
        base.append(time.perf_counter() - started)
    m, b = min(mine), min(base)
    n = units * 10
    return (f"bulk import of {n:,} measurements (best of {runs})", n / m, m * 1000, None, n / b, b * 1000, None,
            f"{rss_kib(pid, 'VmHWM') / 1024:.1f} MiB")


def print_table(rows):
    fmt = lambda v, spec: "" if v is None else format(v, spec)
    print(f"\n{'case':<48} {'lotgate/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'baseline/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}  memory")
    for name, rps, p50, p99, brps, bp50, bp99, mem in rows:
        ratio = rps / brps if rps and brps else None
        print(f"{name:<48} {fmt(rps, '10.1f')} {fmt(p50, '8.2f')} {fmt(p99, '8.2f')} {fmt(brps, '11.1f')} "
              f"{fmt(bp50, '8.2f')} {fmt(bp99, '8.2f')} {fmt(ratio, '6.2f')}  {mem}")
    print("\nbaselines: pgbench running the same SQL transaction (record_inspection.sql, lot_statistics.sql), "
          "psql \\copy of the same rows; for bulk import the columns are measurements/s and total ms.")


if __name__ == "__main__":
    main()
