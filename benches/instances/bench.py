#!/usr/bin/env python3
"""Two lotgate instances against one PostgreSQL, side by side with one, in one run (issue 19).

Usage: benches/instances/run [SECONDS]   (see docs/operations.md, "Several instances")

Starts lotgate A on a private PostgreSQL cluster in a temporary folder and lotgate B on
the same database (DATABASE_URL on A's socket), creates a part of 10 characteristics, a
supplier and a lot through the API, then for each case runs the same wrk load (8
connections in all) against A alone, and split 4 + 4 between A and B at the same time:

  record_inspection   POST, 1 unit of 10 measurements (benches/api/record.lua)
  get_lot_statistics  GET of a lot of 1,250 measurements (benches/api/get.lua)

and prints the requests per second of each, and their ratio.
"""

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benches" / "api"))
import bench as api_bench  # noqa: E402

# Ports of its own, so that it can run beside benches/api.
api_bench.PORT = int(os.environ.get("LOTGATE_BENCH_PORT", "18481"))
api_bench.BASE = f"http://127.0.0.1:{api_bench.PORT}"

BIN = Path(os.environ.get("LOTGATE_BIN", ROOT / "target" / "release" / "lotgate"))
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
PORT_B = api_bench.PORT + 1


def wrk_at(base, script, connections, env, out, key):
    out[key] = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{SECONDS}s", "--latency", "-s",
         str(api_bench.HERE / script), base],
        env={**os.environ, "SEED": str(int.from_bytes(os.urandom(3), "big")), "TOKEN": api_bench.TOKEN, **env},
        capture_output=True, text=True, check=True).stdout


def rps(text):
    import re
    if "unexpected status" in text:
        raise SystemExit("wrk saw errors:\n" + text[:600])
    return float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))


def run(script, env):
    one, two = {}, {}
    wrk_at(api_bench.BASE, script, 8, env, one, "a")
    threads = [threading.Thread(target=wrk_at, args=(base, script, 4, env, two, key))
               for key, base in (("a", api_bench.BASE), ("b", f"http://127.0.0.1:{PORT_B}"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return rps(one["a"]), rps(two["a"]) + rps(two["b"])


def main():
    work = Path(tempfile.mkdtemp(prefix="lotgate-instances-"))
    os.chmod(work, 0o755)
    data_dir = work / "pg"
    common = ["--rate-limit", "0"]
    a = subprocess.Popen([str(BIN), "serve", "--bind", f"127.0.0.1:{api_bench.PORT}", "--data-dir", str(data_dir), *common],
                         env={**os.environ, "RUST_LOG": "warn"}, stdout=subprocess.DEVNULL)
    b = None
    try:
        api_bench.wait_ready()
        conninfo = f"host={data_dir} user=lotgate dbname=lotgate"
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", conninfo, "-c",
                        "INSERT INTO api_tokens (id, name, holder, role, token_sha256) VALUES "
                        f"('{api_bench.TOKEN_ID}', 'benchmark', 'person', 'admin', "
                        f"decode('{hashlib.sha256(api_bench.TOKEN.encode()).hexdigest()}', 'hex'))"], check=True)
        url = f"postgresql:///lotgate?host={data_dir}&user=lotgate"
        b = subprocess.Popen([str(BIN), "serve", "--bind", f"127.0.0.1:{PORT_B}", *common],
                             env={**os.environ, "RUST_LOG": "warn", "DATABASE_URL": url}, stdout=subprocess.DEVNULL)
        base_a, api_bench.BASE = api_bench.BASE, f"http://127.0.0.1:{PORT_B}"
        api_bench.wait_ready()
        api_bench.BASE = base_a
        part, chars, supplier = api_bench.setup_part()
        lot = api_bench.new_lot(part, supplier, 100_000_000)
        stats_lot = api_bench.lot_with_measurements(part, supplier, chars, 125)
        rows = [
            ("record_inspection (1 unit, 10 values)", *run("record.lua", {"LOT": lot, "CHARS": ",".join(chars)})),
            ("get_lot_statistics (1,250 values)",
             *run("get.lua", {"PATH_TO_GET": f"/api/v1/lots/{stats_lot}/statistics"})),
        ]
    finally:
        for p in (b, a):
            if p:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=60)
        subprocess.run(["rm", "-rf", str(work)])
    print(f"\n{'case, 8 connections in all':<40} {'one instance/s':>15} {'two instances/s':>16} {'ratio':>6}")
    for name, one, two in rows:
        print(f"{name:<40} {one:15.1f} {two:16.1f} {two / one:6.2f}")


if __name__ == "__main__":
    main()
