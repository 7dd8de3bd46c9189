"""Starts one `lotgate serve --demo` for the browser tests, on a private PostgreSQL
cluster in a temporary folder and a free port, and a headless Chromium (Debian's
`chromium`, driven by Playwright for Python; nothing is downloaded). Builds nothing:
run `cargo build` first. LOTGATE_BIN and CHROMIUM override the programs."""

import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import pytest
from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLP_100 = "690304a8-bfaa-55e0-9ba2-28479afb73a0"  # demo part: cable clip
DPM = "e9c16068-68ea-5c93-a650-32fe46a5c550"  # demo supplier


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png(width=64, height=48):
    """A small valid PNG (grey gradient), made here so the test needs no image files."""
    import struct
    import zlib
    raw = b"".join(b"\x00" + bytes((x * 4 + y) % 256 for x in range(width)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Server:
    def __init__(self, base, tokens, tablet_address):
        self.base = base
        self.tokens = tokens
        self.tablet_address = tablet_address

    def api(self, method, path, body=None, role="admin"):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.tokens[role]}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, json.loads(res.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def upload(self, path, photo, fields, role="inspector"):
        """POSTs a multipart form: a `photo` part (PNG bytes) and text `fields`."""
        boundary = uuid.uuid4().hex
        body = b""
        for name, value in fields.items():
            body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                     f"{value}\r\n").encode()
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; "
                 f"filename=\"defect.png\"\r\nContent-Type: image/png\r\n\r\n").encode()
        body += photo + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + path, data=body, method="POST")
        req.add_header("Authorization", f"Bearer {self.tokens[role]}")
        req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, json.loads(res.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def new_lot(self, lot_size=20):
        """A lot of the demo's cable clip produced today, registered by the inspector."""
        body = {
            "part_id": CLP_100, "supplier_id": DPM, "lot_size": lot_size,
            "lot_number": f"T-{uuid.uuid4().hex[:10].upper()}",
            "produced_on": datetime.date.today().isoformat(),
        }
        status, lot = self.api("POST", "/api/v1/lots", body, role="inspector")
        assert status == 201, lot
        return lot


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("LOTGATE_BIN", os.path.join(ROOT, "target", "debug", "lotgate"))
    assert os.access(binary, os.X_OK), f"{binary} is missing: run `cargo build` first"
    work = tempfile.mkdtemp(prefix="lotgate-browser.")
    os.chmod(work, 0o755)  # as root, the private cluster runs as `postgres`
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.setdefault("RUST_LOG", "warn")
    out = open(os.path.join(work, "serve.out"), "w+")
    err = open(os.path.join(work, "serve.log"), "w")
    proc = subprocess.Popen(
        [binary, "serve", "--demo", "--data-dir", os.path.join(work, "postgres"),
         "--bind", f"127.0.0.1:{port}", "--rate-limit", "10000", "--rate-burst", "10000"],
        stdout=out, stderr=err, env=env, cwd=work)
    base = f"http://127.0.0.1:{port}"
    try:
        tokens, tablet = {}, None
        deadline = time.time() + 180
        while time.time() < deadline and (len(tokens) < 3 or not tablet):
            assert proc.poll() is None, open(os.path.join(work, "serve.log")).read()
            out.seek(0)
            printed = out.read()
            for role, secret in re.findall(r"^\s+(inspector|reviewer|admin)\s+(lgt_[0-9a-f]+)", printed, re.M):
                tokens[role] = secret
            tablet = re.search(r"^tablet app: (\S+)$", printed, re.M)
            time.sleep(0.3)
        assert len(tokens) == 3 and tablet, "serve --demo printed no tokens or no tablet address"
        while time.time() < deadline:
            try:
                urllib.request.urlopen(base + "/readyz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        yield Server(base, tokens, tablet.group(1))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True,
                              args=["--no-sandbox"] if os.geteuid() == 0 else [])
        yield b
        b.close()
