#!/usr/bin/env python3
"""A five-year factory (issue 19): the reviewer's reads and recording an inspection, on an
empty database and on five years of a startup's data, side by side in one run.

Usage: [FILL_MINUTES=m] benches/factory/run [YEARS] [TIMES]   (see docs/performance.md)

1. Starts lotgate on a private PostgreSQL cluster in a temporary folder, and creates through
   the API 3 suppliers, 200 parts of 8 characteristics (6 measured, 2 attributes), 20 golden
   samples with an approved revision and a photo, and one lot inspected and decided (its
   decision document is the one the generated decisions carry).
2. Measures every read (TIMES requests each, one client) and recording an inspection on
   that almost empty database.
3. Fills YEARS years, newest first (benches/factory/year.sql, one transaction a year,
   set-based SQL through the real tables and their triggers): 40 lots a day with samples,
   in-house inspections, decisions with their outcomes, NCRs; it stops after the year in
   progress once FILL_MINUTES have passed.
4. Restarts lotgate, measures the same again, prints both with their ratio, the row
   counts and the database size, and keeps the data folder for EXPLAIN ANALYZE.
"""

import hashlib
import os
import random
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "benches" / "factory"
sys.path.insert(0, str(ROOT / "benches" / "api"))
import bench as api_bench  # noqa: E402

from bench import api  # noqa: E402

# A port of its own, so that it can run beside benches/api.
api_bench.PORT = int(os.environ.get("LOTGATE_BENCH_PORT", "18481"))
api_bench.BASE = f"http://127.0.0.1:{api_bench.PORT}"

BIN = Path(os.environ.get("LOTGATE_BIN", ROOT / "target" / "release" / "lotgate"))
YEARS = float(sys.argv[1]) if len(sys.argv) > 1 else 5
TIMES = int(sys.argv[2]) if len(sys.argv) > 2 else 40
# Filling stops after the year in progress at this many minutes (the machine is shared).
FILL_MINUTES = float(os.environ.get("FILL_MINUTES", "600"))
TODAY = date(2026, 11, 30)


def start(data_dir, log):
    server = subprocess.Popen([str(BIN), "serve", "--bind", f"127.0.0.1:{api_bench.PORT}", "--data-dir", str(data_dir),
                               "--rate-limit", "0"], env={**os.environ, "RUST_LOG": "warn"},
                              stdout=subprocess.DEVNULL, stderr=open(log, "a"))
    api_bench.wait_ready()
    return server


def stop(server):
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=120)


def psql(conninfo, *args, **kw):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *args, conninfo], check=True,
                          capture_output=True, text=True, **kw).stdout


def photo(n, width=800, height=600):
    """A PNG photo of a golden sample's view: a gradient that differs per photo."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes((x * 255 // width + n * 37) % 256 if c == 0 else (y * 255 // height) if c == 1
                                      else (x + y + n) % 256 for x in range(width) for c in range(3))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def multipart(fields):
    boundary = "factory-" + uuid.uuid4().hex
    body = b""
    for name, value, filename, ctype in fields:
        body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"".encode()
        body += (f"; filename=\"{filename}\"" if filename else "").encode() + b"\r\n"
        body += (f"Content-Type: {ctype}\r\n" if ctype else "").encode() + b"\r\n" + value + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def setup():
    suppliers = [api("POST", "/api/v1/suppliers", {"name": f"Factory {k}", "code": f"F{k}{uuid.uuid4().hex[:4]}"})["id"]
                 for k in range(3)]
    parts = []
    for k in range(200):
        part = api("POST", "/api/v1/parts", {"number": f"FY-{k:03d}", "name": f"Part {k}", "stage": "part"})["id"]
        chars = []
        for i in range(6):
            nominal = 10.0 + i
            chars.append(api("POST", f"/api/v1/parts/{part}/characteristics",
                             {"name": f"Dimension {i + 1}", "kind": "variable", "unit": "mm", "nominal": nominal,
                              "lsl": nominal - 0.2, "usl": nominal + 0.2, "classification": "major", "aql": 1.0,
                              "inspection_level": "II"})["id"])
        for i in range(2):
            chars.append(api("POST", f"/api/v1/parts/{part}/characteristics",
                             {"name": f"Appearance {i + 1}", "kind": "attribute", "classification": "major",
                              "aql": 1.0, "inspection_level": "II"})["id"])
        parts.append((part, chars))
    for n in range(20):
        part = parts[n * 10][0]
        sample = api("POST", "/api/v1/golden-samples", {"part_id": part, "code": f"GS-{n}", "storage_location": "QA cabinet",
                                                        "noted_by": "qa", "condition": "new"})["id"]
        api("POST", f"/api/v1/golden-samples/{sample}/revisions", {"description": "first", "revalidation_due": "2027-06-30"})
        for view in ("front", "back"):
            body, ctype = multipart([("photo", photo(n * 2 + (view == "back")), "p.png", "image/png"),
                                     ("view", view.encode(), None, None)])
            api("POST", f"/api/v1/golden-samples/{sample}/revisions/A/photos", body, content_type=ctype)
        api("POST", f"/api/v1/golden-samples/{sample}/revisions/A/approval", {"approver": "qa lead", "comment": "ok"})
    return suppliers, parts


def units(chars, n=50, seed=0, again=False):
    """A sample of n units; `again` measures the same serials a second time (in house)."""
    rnd = random.Random(seed + 1 if again else seed)
    return [{"unit": u, "serial": f"N-{seed}-{u}",
             "measurements": [{"characteristic_id": c, "value": round(10.0 + i + rnd.gauss(0, 0.04), 4)}
                              for i, c in enumerate(chars[:6])],
             "attributes": [{"characteristic_id": c, "pass": True} for c in chars[6:]]} for u in range(1, n + 1)]


def new_lot(supplier, part, day=TODAY):
    return api("POST", "/api/v1/lots", {"part_id": part, "supplier_id": supplier, "lot_number": f"N-{uuid.uuid4().hex[:10]}",
                                        "lot_size": 500, "produced_on": str(day)})["id"]


def record(lot, chars, seed, source="factory"):
    again = source == "in_house"
    api("POST", f"/api/v1/lots/{lot}/inspections",
        {"id": str(uuid.uuid4()), "source": source, "mode": "sampling", "inspector": "bench",
         "inspected_at": f"{TODAY}T09:00:00Z", "units": units(chars, seed=seed, again=again)})


def timed(fn):
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def measure(suppliers, parts, lots, both):
    """p50/p95 ms of each reviewer read and of recording an inspection; `both` is a lot
    inspected by the factory and in house."""
    s, (part, chars) = suppliers[0], parts[0]
    lot = lots[0]
    year_ago = TODAY - timedelta(days=365)
    reads = {
        "list_lots, newest 50": "/api/v1/lots?limit=50",
        "list_lots, supplier + status": f"/api/v1/lots?supplier_id={s}&status=accepted&limit=50",
        "list_lots, part + a month": f"/api/v1/lots?part_id={part}&produced_from={TODAY - timedelta(days=30)}&limit=50",
        "list_lots, not accepted": "/api/v1/lots?status=not_accepted&limit=50",
        "get_lot": f"/api/v1/lots/{lot}",
        "get_lot_statistics": f"/api/v1/lots/{lot}/statistics",
        "get_lot_decision": f"/api/v1/lots/{lot}/decision",
        "capability trend, 1 year": f"/api/v1/parts/{part}/characteristics/{chars[0]}/capability?from={year_ago}&to={TODAY}",
        "capability trend, 5 years": f"/api/v1/parts/{part}/characteristics/{chars[0]}/capability",
        "supplier scorecard, 1 year": f"/api/v1/suppliers/{s}/scorecard?from={year_ago}&to={TODAY}",
        "supplier scorecard, 5 years": f"/api/v1/suppliers/{s}/scorecard",
        "list_ncrs, open": "/api/v1/ncrs?status=open&limit=50",
        "lot reconciliation": f"/api/v1/lots/{both}/reconciliation",
        "supplier reconciliation, 1 year": f"/api/v1/suppliers/{s}/reconciliation?from={year_ago}&to={TODAY}",
        "supplier reconciliation, 5 years": f"/api/v1/suppliers/{s}/reconciliation",
    }
    out = {}
    for name, path in reads.items():
        try:
            first = timed(lambda: api("GET", path))
            # A read of seconds is timed once: its repetitions would take the run's time.
            out[name] = [first] if first > 5000 else [timed(lambda: api("GET", path)) for _ in range(TIMES)]
        except Exception as e:  # a read that fails (a statement timeout) is reported, not fatal
            print(f"{name}: {e}", flush=True)
            out[name] = [float("nan")]
    fresh = [new_lot(s, part) for _ in range(TIMES)]
    out["record_inspection (50 units x 8)"] = [timed(lambda: record(lot, chars, k)) for k, lot in enumerate(fresh)]
    out["decide_lot"] = [timed(lambda: api("POST", f"/api/v1/lots/{lot}/decision", {})) for lot in fresh]
    return out


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    work = Path(tempfile.mkdtemp(prefix="lotgate-factory-"))
    os.chmod(work, 0o755)
    data_dir, log = work / "pg", work / "lotgate.log"
    conninfo = f"host={data_dir} user=lotgate dbname=lotgate"
    server = start(data_dir, log)
    try:
        psql(conninfo, "-c", "INSERT INTO api_tokens (id, name, holder, role, token_sha256) VALUES "
                             f"('{api_bench.TOKEN_ID}', 'benchmark', 'person', 'admin', "
                             f"decode('{hashlib.sha256(api_bench.TOKEN.encode()).hexdigest()}', 'hex'))")
        started = time.perf_counter()
        suppliers, parts = setup()
        template = new_lot(suppliers[0], parts[0][0])
        record(template, parts[0][1], seed=12345)
        api("POST", f"/api/v1/lots/{template}/decision", {})
        # The same serials inspected in house too (after the decision the generated ones
        # copy), for the reconciliation reads.
        record(template, parts[0][1], seed=12345, source="in_house")
        print(f"setup through the API: {time.perf_counter() - started:.0f} s", flush=True)
        empty = measure(suppliers, parts, [template], template)

        prelude = f"""
CREATE TEMP TABLE gen_parts AS SELECT id, (row_number() OVER (ORDER BY number) - 1)::int AS k FROM parts WHERE number LIKE 'FY-%';
CREATE TEMP TABLE gen_suppliers AS SELECT id, (row_number() OVER (ORDER BY name) - 1)::int AS k FROM suppliers WHERE name LIKE 'Factory %';
CREATE TEMP TABLE gen_characteristics AS SELECT c.id, c.part_id, c.kind, c.nominal, c.lsl, c.usl FROM characteristics c JOIN gen_parts p ON p.id = c.part_id;
CREATE TEMP TABLE gen_document AS SELECT decision AS document FROM lot_decisions WHERE lot_id = '{template}';
"""
        # Newest year first, one psql session and transaction a year, until YEARS are in
        # or FILL_MINUTES have passed: what is filled is always the most recent history.
        started, years, end = time.perf_counter(), 0, TODAY - timedelta(days=1)
        while years < YEARS and time.perf_counter() - started < FILL_MINUTES * 60:
            days = min(365, round((YEARS - years) * 365))
            first = end - timedelta(days=days)
            script = [prelude, "BEGIN;", f"\\set first '{first}'", f"\\set days {days}",
                      f"\\set seed {0.1 + years / 100}", f"\\i {HERE / 'year.sql'}", "COMMIT;"]
            (work / "fill.sql").write_text("\n".join(script) + "\n")
            subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(work / "fill.sql"), conninfo],
                           check=True, capture_output=True)
            years, end = years + days / 365, first
            print(f"{years:g} years filled after {time.perf_counter() - started:.0f} s", flush=True)
        psql(conninfo, "-c", "INSERT INTO ncr_counters (year, last) SELECT y, (SELECT count(*) FROM ncrs) "
                             "FROM generate_series(2000, 2100) y ON CONFLICT (year) DO UPDATE SET last = excluded.last")
        psql(conninfo, "-c", "ANALYZE")
        counts = psql(conninfo, "-At", "-c", "SELECT string_agg(t || ' ' || n, ', ') FROM (VALUES "
                      + ", ".join(f"('{t}', (SELECT count(*) FROM {t}))" for t in
                                  ("lots", "inspections", "inspection_units", "measurements", "attribute_results",
                                   "lot_decisions", "decision_characteristic_outcomes", "ncrs", "photos"))
                      + ") v(t, n)").strip()
        size = psql(conninfo, "-At", "-c", "SELECT pg_size_pretty(pg_database_size('lotgate'))").strip()
        # A lot from the last week of the generated data, for the lot page.
        recent = psql(conninfo, "-At", "-c", f"SELECT id FROM lots WHERE part_id = '{parts[0][0]}' AND lot_number LIKE 'FY-%' "
                                             "ORDER BY produced_on DESC LIMIT 1").strip()
        # And the last lot of that part the factory and the in-house team both inspected.
        both = psql(conninfo, "-At", "-c", f"SELECT l.id FROM lots l WHERE l.part_id = '{parts[0][0]}' "
                                           "AND EXISTS (SELECT 1 FROM inspections i WHERE i.lot_id = l.id "
                                           "AND i.source = 'in_house') ORDER BY l.produced_on DESC LIMIT 1").strip()
        stop(server)
        server = start(data_dir, log)
        full = measure(suppliers, parts, [recent], both)
    finally:
        stop(server)
    print(f"\nrows: {counts}\ndatabase size: {size}\n")
    print(f"{'':34} {'empty p50':>10} {'p95':>8} {years:>5.2g}y p50 {'p95':>8} {'p95 ratio':>9}")
    for name in empty:
        e, f = empty[name], full[name]
        print(f"{name:34} {statistics.median(e):10.1f} {pct(e, .95):8.1f} {statistics.median(f):10.1f} {pct(f, .95):8.1f} "
              f"{pct(f, .95) / pct(e, .95):9.2f}")
    print(f"\n(ms, {TIMES} requests each, one client, in one run; the data folder is {work})")


if __name__ == "__main__":
    main()
