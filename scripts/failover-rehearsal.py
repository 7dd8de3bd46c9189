#!/usr/bin/env python3
"""A failover rehearsal for lotgate: lose the primary under load, promote the standby,
and count what was acknowledged against what the promoted standby holds.

It starts two local PostgreSQL clusters in a temporary folder, a primary and a
synchronous standby (streaming replication, `synchronous_standby_names =
'FIRST 1 (standby1)'`), starts `lotgate serve` on the multi-host DATABASE_URL of
docs/operations.md, and runs retrying clients that record inspections with
client-generated ids (each id is sent again, with the same body, until it is
acknowledged). Partway through it stops the primary the hard way (`pg_ctl stop -m
immediate`: no checkpoint, connections cut), waits a moment as an operator would, and
promotes the standby with `pg_ctl promote`. At the end it reads the promoted standby:

- acknowledged / stored / lost: every acknowledged id must be stored, with all its units;
- seconds from the kill to the first write acknowledged after it;
- what writes got in between (503 with Retry-After expected; never 500).

Needs only Python 3 and the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup,
psql: on PATH or in /usr/lib/postgresql/*/bin). Run as root, the clusters run as the
`postgres` user. Exits non-zero when anything acknowledged was lost, a write got a 500,
or writes did not come back.

    scripts/failover-rehearsal.py --lotgate target/release/lotgate --clients 8 --duration 30
"""

import argparse
import glob
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

UNITS = 10


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lotgate", default=None,
                   help="the lotgate binary (default: lotgate on PATH, else target/release or target/debug)")
    p.add_argument("--clients", type=int, default=8, help="concurrent retrying clients (default 8)")
    p.add_argument("--duration", type=float, default=30.0,
                   help="seconds of writes, from the first to the last (default 30)")
    p.add_argument("--kill-after", type=float, default=None,
                   help="seconds of writes before the primary is stopped (default: a third of --duration)")
    p.add_argument("--promote-after", type=float, default=1.0,
                   help="seconds between losing the primary and promoting the standby (default 1)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, data)")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    return p.parse_args()


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def find_lotgate(given):
    if given:
        return os.path.abspath(given)
    on_path = shutil.which("lotgate")
    if on_path:
        return on_path
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for profile in ("release", "debug"):
        candidate = os.path.join(here, "target", profile, "lotgate")
        if os.access(candidate, os.X_OK):
            return candidate
    sys.exit("lotgate binary not found: build it (cargo build --release) or pass --lotgate")


PG_PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "psql")


def find_pg_bin():
    """A directory holding every server program needed (a symlink on PATH is followed)."""
    candidates = []
    if shutil.which("pg_ctl"):
        candidates.append(os.path.dirname(os.path.realpath(shutil.which("pg_ctl"))))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda d: int(d.split("/")[-2].split(".")[0]), reverse=True)
    for d in candidates:
        if all(os.access(os.path.join(d, p), os.X_OK) for p in PG_PROGRAMS):
            return d
    sys.exit(f"PostgreSQL programs not found together ({', '.join(PG_PROGRAMS)}): apt-get install postgresql")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clusters:
    """The primary and the standby, run as `postgres` when this script runs as root."""

    def __init__(self, work, pg_bin):
        self.work = work
        self.bin = pg_bin
        self.run_as = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.run_as:
            os.chown(work, self.run_as.pw_uid, self.run_as.pw_gid)
        self.primary = os.path.join(work, "primary")
        self.standby = os.path.join(work, "standby")
        self.primary_port = free_port()
        self.standby_port = free_port()

    def server(self, program, *args):
        """Runs a server-side program (as `postgres` under root); fails loudly."""
        def demote():
            os.setgid(self.run_as.pw_gid)
            os.setuid(self.run_as.pw_uid)
        out = subprocess.run([os.path.join(self.bin, program), *args], cwd=self.work,
                             preexec_fn=demote if self.run_as else None,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"{program} {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
        return out.stdout

    def options(self, port, extra=""):
        return (f"-c port={port} -c listen_addresses=127.0.0.1 "
                f"-c unix_socket_directories='{self.work}' {extra}")

    def start_primary(self):
        # --no-sync: the files initdb and pg_basebackup write are not flushed to disk,
        # which saves seconds; the servers themselves run with fsync on, and the rehearsal
        # loses processes, not power.
        self.server("initdb", "--no-sync", "-U", "lotgate", "-A", "trust", "-E", "UTF8", "--locale=C",
                    "-D", self.primary)
        # Given on the command line, not in postgresql.conf: pg_basebackup copies the
        # configuration, and a promoted standby that waits for a standby of its own would
        # never acknowledge a write.
        sync = "-c synchronous_standby_names='FIRST 1 (standby1)'"
        self.server("pg_ctl", "start", "-w", "-D", self.primary, "-l", self.primary + ".log",
                    "-o", self.options(self.primary_port, sync))

    def start_standby(self):
        self.server("pg_basebackup", "--no-sync", "-D", self.standby, "-R", "-X", "stream", "-c", "fast",
                    "-d", f"host=127.0.0.1 port={self.primary_port} user=lotgate application_name=standby1")
        self.server("pg_ctl", "start", "-w", "-D", self.standby, "-l", self.standby + ".log",
                    "-o", self.options(self.standby_port))
        deadline = time.time() + 30
        while self.psql(self.primary_port, "postgres",
                        "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'") != "sync":
            if time.time() > deadline:
                sys.exit("the standby did not become synchronous within 30 s")
            time.sleep(0.1)

    def psql(self, port, db, sql):
        out = subprocess.run([os.path.join(self.bin, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                              "-h", "127.0.0.1", "-p", str(port), "-U", "lotgate", "-d", db, "-c", sql],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"psql failed: {out.stderr}")
        return out.stdout.strip()

    def kill_primary(self):
        self.server("pg_ctl", "stop", "-w", "-m", "immediate", "-D", self.primary)

    def promote_standby(self):
        self.server("pg_ctl", "promote", "-w", "-D", self.standby)

    def stop(self, mode):
        for data in (self.primary, self.standby):
            if os.path.exists(os.path.join(data, "postmaster.pid")):
                try:
                    self.server("pg_ctl", "stop", "-w", "-m", mode, "-D", data)
                except SystemExit:
                    pass

    def database_url(self):
        return (f"postgresql://lotgate@127.0.0.1:{self.primary_port},127.0.0.1:{self.standby_port}"
                f"/lotgate?target_session_attrs=read-write")


def call(port, token, method, path, body=None, timeout=30):
    """One request; (status, headers, parsed body), or None when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body) if body is not None else None
        conn.request(method, path, body=payload, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        resp = conn.getresponse()
        raw = resp.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return resp.status, dict(resp.getheaders()), parsed
    except OSError:
        return None
    finally:
        conn.close()


def created(port, token, path, body):
    reply = call(port, token, "POST", path, body)
    if not reply or reply[0] != 201:
        sys.exit(f"POST {path} failed: {reply}")
    return reply[2]["id"]


class Tally:
    """What the clients saw, shared between their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = []  # (id, time acknowledged, time the acknowledged attempt was sent, status)
        self.outcomes = {}  # "503", "500", "no answer" ... -> count, after the first send
        self.unexpected = []  # replies that are neither 2xx nor 503 with Retry-After

    def ack(self, ident, sent, at, status):
        with self.lock:
            self.acked.append((ident, at, sent, status))

    def refused(self, reply):
        if reply is None:
            key, fine = "no answer", True
        else:
            status, headers, body = reply
            key = str(status)
            retry_after = {k.lower(): v for k, v in headers.items()}.get("retry-after")
            fine = status == 503 and retry_after is not None
            if status == 503 and retry_after is None:
                key = "503 without Retry-After"
        with self.lock:
            self.outcomes[key] = self.outcomes.get(key, 0) + 1
            if not fine and len(self.unexpected) < 20:
                self.unexpected.append(reply)


def client(port, token, lot, width, n, stop_at, tally):
    while time.time() < stop_at:
        ident = str(uuid.uuid4())
        units = [{"unit": u, "measurements": [{"characteristic_id": width, "value": 12.0 + u / 100}]}
                 for u in range(1, UNITS + 1)]
        # Full inspections: a lot takes any number of them, while a second sampling
        # inspection of it is refused (the lot is judged on its original inspection).
        body = {"id": ident, "source": "factory", "mode": "full", "inspector": f"tablet-{n}",
                "inspected_at": "2026-11-20T09:15:00Z", "units": units}
        # An id once sent is retried until acknowledged, even past the end of the run:
        # otherwise it may be stored without anyone having been told.
        give_up = time.time() + 120
        while True:
            sent = time.time()
            reply = call(port, token, "POST", f"/api/v1/lots/{lot}/inspections", body)
            if reply and reply[0] in (200, 201):
                tally.ack(ident, sent, time.time(), reply[0])
                break
            tally.refused(reply)
            if reply and 400 <= reply[0] < 500 and reply[0] != 429:
                return  # a refusal a retry cannot change; reported as unexpected
            if time.time() > give_up:
                return
            time.sleep(0.1)


def rehearse(args):
    lotgate = find_lotgate(args.lotgate)
    work = tempfile.mkdtemp(prefix="lotgate-failover-")
    os.chmod(work, 0o755)
    clusters = Clusters(work, find_pg_bin())
    server = None
    try:
        log(f"primary on port {clusters.primary_port}, standby on {clusters.standby_port}, in {work}")
        clusters.start_primary()
        log("primary running; copying it to the standby")
        clusters.start_standby()
        clusters.psql(clusters.primary_port, "postgres", "CREATE DATABASE lotgate")
        log("standby synchronous; creating a token")
        env = dict(os.environ, DATABASE_URL=clusters.database_url(), RUST_LOG=os.environ.get("RUST_LOG", "warn"))
        out = subprocess.run([lotgate, "token", "create", "--name", "failover rehearsal", "--role", "admin",
                              "--holder", "device"], env=env, capture_output=True, text=True, cwd=work)
        if out.returncode != 0:
            sys.exit(f"lotgate token create failed: {out.stderr}")
        token = out.stdout.strip().splitlines()[-1]
        log("starting lotgate serve")
        port = free_port()
        server_log = open(os.path.join(work, "lotgate.log"), "w")
        # No rate limit: the clients share one token and write as fast as they can.
        server = subprocess.Popen([lotgate, "serve", "--bind", f"127.0.0.1:{port}", "--rate-limit", "0"],
                                  env=env, cwd=work, stdout=server_log, stderr=server_log)
        deadline = time.time() + 60
        while (call(port, "", "GET", "/readyz") or (0,))[0] != 200:
            if server.poll() is not None or time.time() > deadline:
                sys.exit(f"lotgate serve did not become ready; see {work}/lotgate.log")
            time.sleep(0.1)

        part = created(port, token, "/api/v1/parts", {"number": "CLP-1", "name": "Clip", "stage": "part"})
        width = created(port, token, f"/api/v1/parts/{part}/characteristics", {
            "name": "Width", "kind": "variable", "unit": "mm", "nominal": 12.0, "lsl": 11.8, "usl": 12.2,
            "classification": "major", "aql": 1.0, "inspection_level": "II"})
        supplier = created(port, token, "/api/v1/suppliers", {"name": "Factory", "code": "F"})
        lot = created(port, token, "/api/v1/lots", {
            "part_id": part, "supplier_id": supplier, "lot_number": "L-1", "lot_size": 100000,
            "produced_on": "2026-11-20"})

        log(f"writing with {args.clients} clients for {args.duration:g} s")
        tally = Tally()
        began = time.time()
        stop_at = began + args.duration
        threads = [threading.Thread(target=client, args=(port, token, lot, width, n, stop_at, tally))
                   for n in range(args.clients)]
        for t in threads:
            t.start()
        kill_after = args.kill_after if args.kill_after is not None else args.duration / 3
        time.sleep(max(0.0, began + kill_after - time.time()))
        with tally.lock:
            acked_before = len(tally.acked)
        log(f"{acked_before} inspections acknowledged; stopping the primary (immediate)")
        killed = time.time()
        clusters.kill_primary()
        time.sleep(args.promote_after)
        log("promoting the standby")
        promoting = time.time()
        clusters.promote_standby()
        promoted = time.time()
        for t in threads:
            t.join()
        ended = time.time()
        log("clients done; counting")

        rows = clusters.psql(clusters.standby_port, "lotgate",
                             "SELECT i.id, count(u.inspection_id) FROM inspections i "
                             "LEFT JOIN inspection_units u ON u.inspection_id = i.id GROUP BY i.id")
        stored = dict(line.split("|") for line in rows.splitlines() if line)
        acked_ids = [a[0] for a in tally.acked]
        after_kill = [a for a in tally.acked if a[2] >= killed]  # sent after the kill
        first_write = min((a[1] for a in after_kill), default=None)
        summary = {
            "clients": args.clients,
            "seconds_of_writes": round(ended - began, 1),
            "acknowledged": len(acked_ids),
            "acknowledged_before_kill": acked_before,
            "stored": len(stored),
            "lost": len(set(acked_ids) - set(stored)),
            # 200: a retry found the inspection already stored (its first answer was lost).
            "acknowledged_as_already_stored": sum(1 for a in tally.acked if a[3] == 200),
            "stored_not_acknowledged": len(set(stored) - set(acked_ids)),
            "incomplete": sum(1 for n in stored.values() if int(n) != UNITS),
            "seconds_kill_to_promote": round(promoting - killed, 2),
            "seconds_promote_command": round(promoted - promoting, 2),
            "seconds_kill_to_first_write": None if first_write is None else round(first_write - killed, 2),
            "seconds_promote_to_first_write": None if first_write is None else round(first_write - promoting, 2),
            "refused_attempts": dict(sorted(tally.outcomes.items())),
            "unexpected_replies": [str(r)[:300] for r in tally.unexpected],
        }
        ok = (summary["lost"] == 0 and summary["incomplete"] == 0 and summary["stored_not_acknowledged"] == 0
              and not summary["unexpected_replies"] and first_write is not None and acked_before > 0)
        summary["passed"] = ok
        return summary
    finally:
        if server and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
        log("lotgate stopped")
        # Kept data is left consistent; data about to be removed needs no checkpoint.
        clusters.stop("fast" if args.keep else "immediate")
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    args = parse_args()
    summary = rehearse(args)
    if args.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key:34} {value}")
    sys.exit(0 if summary["passed"] else 1)


if __name__ == "__main__":
    main()
