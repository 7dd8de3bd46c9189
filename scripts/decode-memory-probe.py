#!/usr/bin/env python3
"""Peak memory of lotgate while several large photos are uploaded at the same moment.

Starts `lotgate serve` on a private cluster in a temporary folder, registers a part, a
golden sample and a revision, then uploads N PNGs of 7,000 x 7,000 pixels (49 MP, one
colour, so each file is small but decodes to 147 MB) at once, and prints the server's
resident memory before and its peak (VmHWM) after. Standard library only.

    scripts/decode-memory-probe.py target/debug/lotgate [--uploads 3]
"""

import argparse
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib

SIDE = 7000


def png(width, height):
    row = b"\x00" + bytes([120, 130, 140]) * width
    idat = zlib.compress(row * height, 9)

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def memory_kb(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = int(value.split()[0]) if key in ("VmHWM", "VmRSS") else None
    return fields["VmRSS"], fields["VmHWM"]


def main():
    args = argparse.ArgumentParser()
    args.add_argument("lotgate")
    args.add_argument("--uploads", type=int, default=3)
    opts = args.parse_args()

    picture = png(SIDE, SIDE)
    work = tempfile.mkdtemp(prefix="lotgate-decode-probe.")
    os.chmod(work, 0o755)  # as root the cluster runs as `postgres`
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    data = os.path.join(work, "postgres")
    made = subprocess.run(
        [opts.lotgate, "token", "create", "--name", "decode probe", "--role", "admin",
         "--data-dir", data],
        capture_output=True, text=True, check=True,
    )
    token = made.stdout.strip().splitlines()[-1]
    server = subprocess.Popen(
        [opts.lotgate, "serve", "--data-dir", data, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/readyz")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)

        def call(path, body=None, raw=None, content_type="application/json"):
            if body is not None:
                raw = json.dumps(body).encode()
            req = urllib.request.Request(
                base + path, data=raw, method="POST",
                headers={"Authorization": "Bearer " + token, "Content-Type": content_type},
            )
            try:
                with urllib.request.urlopen(req, timeout=600) as reply:
                    return reply.status, reply.read()
            except urllib.error.HTTPError as err:
                return err.code, err.read()

        _, part = call("/api/v1/parts", {"number": "PROBE-1", "name": "probe", "stage": "part"})
        part = json.loads(part)["id"]
        _, sample = call("/api/v1/golden-samples", {
            "part_id": part, "code": "GS-PROBE", "storage_location": "shelf",
            "noted_by": "probe", "condition": "new"})
        sample = json.loads(sample)["id"]
        _, revision = call(f"/api/v1/golden-samples/{sample}/revisions",
                           {"description": "probe", "revalidation_due": "2099-12-31"})
        revision = json.loads(revision).get("revision", "A")

        rss, _ = memory_kb(server.pid)
        replies = []

        def upload(view):
            boundary = uuid.uuid4().hex
            body = (
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"view\"\r\n\r\n"
                f"view-{view}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"photo\"; filename=\"probe.png\"\r\nContent-Type: image/png\r\n\r\n"
            ).encode() + picture + f"\r\n--{boundary}--\r\n".encode()
            started = time.monotonic()
            status, answer = call(f"/api/v1/golden-samples/{sample}/revisions/{revision}/photos",
                             raw=body, content_type=f"multipart/form-data; boundary={boundary}")
            if status >= 300:
                print(answer.decode()[:300])
            replies.append((status, round(time.monotonic() - started, 1)))

        threads = [threading.Thread(target=upload, args=(i,)) for i in range(opts.uploads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        _, peak = memory_kb(server.pid)
        print(f"{opts.uploads} uploads of {SIDE} x {SIDE} px at once: "
              f"replies (status, seconds) {sorted(replies)}")
        print(f"resident before: {rss / 1024:.0f} MB; peak: {peak / 1024:.0f} MB")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
