#!/usr/bin/env bash
# Generated-client test: a Python client generated from the OpenAPI document that a live
# lotgate serves runs a whole inspection scenario, unedited (issue 18).
#
# Installs openapi-python-client into target/client-venv, builds the debug binary (or
# uses LOTGATE_BIN), starts `lotgate serve --demo` on a private PostgreSQL cluster in a
# temporary folder, generates the client from /api-docs/openapi.json, installs it, and
# runs tests/client/scenario.py through it. Fails when the generator drops anything but
# the `text/csv` body of import_inspection_csv (which it cannot type; the same operation
# takes the file as a form, and that is generated), or when the scenario fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

venv="$root/target/client-venv"
if ! cmp -s tests/client/requirements.txt "$venv/requirements.txt" 2>/dev/null; then
  echo "installing openapi-python-client into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/client/requirements.txt
  cp tests/client/requirements.txt "$venv/requirements.txt"
fi
# The generator formats its output with ruff, from the same venv.
export PATH="$venv/bin:$PATH"

bin="${LOTGATE_BIN:-}"
if [ -z "$bin" ]; then
  cargo build -q
  bin="$root/target/debug/lotgate"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/lotgate-client.XXXXXX")"
# As root the private cluster runs as `postgres`, which must be able to enter the folder.
chmod 755 "$work"
server=""
stop() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

unset DATABASE_URL
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
data="$work/postgres"

# The token is made before the server starts: both would otherwise run the private cluster.
"$bin" token create --name generated-client --role admin --data-dir "$data" >"$work/token.out" 2>"$work/token.log"
export LOTGATE_CLIENT_TOKEN LOTGATE_CLIENT_URL="http://127.0.0.1:$port"
LOTGATE_CLIENT_TOKEN="$(tail -n 1 "$work/token.out")"

RUST_LOG="${RUST_LOG:-warn}" "$bin" serve --demo --data-dir "$data" --bind "127.0.0.1:$port" \
  --rate-limit 10000 --rate-burst 10000 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
for _ in $(seq 120); do
  curl -sf "$LOTGATE_CLIENT_URL/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done

start=$SECONDS
curl -sf "$LOTGATE_CLIENT_URL/api-docs/openapi.json" -o "$work/openapi.json"
(cd "$work" && openapi-python-client generate --path openapi.json --meta setup) >"$work/generate.log" 2>&1 || {
  cat "$work/generate.log" >&2
  exit 1
}
"$venv/bin/python" tests/client/generator_warnings.py "$work/generate.log" "$work/openapi.json" \
  "$work/lotgate-client/lotgate_client"
"$venv/bin/pip" install -q --disable-pip-version-check --no-build-isolation --no-deps "$work/lotgate-client"
status=0
"$venv/bin/python" tests/client/scenario.py || status=$?
echo "generated-client test: $((SECONDS - start)) s, exit $status"
if [ "$status" != 0 ]; then
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/serve.log" >&2
fi
exit "$status"
