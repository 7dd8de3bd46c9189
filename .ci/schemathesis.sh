#!/usr/bin/env bash
# Bad-input sweep: schemathesis against a live lotgate with the committed OpenAPI document.
# Builds the debug binary (or uses LOTGATE_BIN), starts `lotgate serve --demo` on a private
# PostgreSQL cluster in a temporary folder, creates an admin token, runs every schemathesis
# check on valid and invalid requests, then stops the server. Exits non-zero on any failure.
#
#   bash .ci/schemathesis.sh [extra schemathesis run options]
#
# SWEEP_MAX_EXAMPLES (default 25) bounds the generated cases per operation and phase.
# Configuration and its reasons: .ci/schemathesis.toml and .ci/schemathesis_hooks.py.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

venv="$root/target/schemathesis-venv"
if ! cmp -s .ci/schemathesis-requirements.txt "$venv/requirements.txt" 2>/dev/null; then
  echo "installing schemathesis into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r .ci/schemathesis-requirements.txt
  cp .ci/schemathesis-requirements.txt "$venv/requirements.txt"
fi

bin="${LOTGATE_BIN:-}"
if [ -z "$bin" ]; then
  cargo build -q
  bin="$root/target/debug/lotgate"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/lotgate-sweep.XXXXXX")"
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

# The sweep writes thousands of rows: it gets a private cluster of its own, or the
# throwaway database SWEEP_DATABASE_URL names, never the DATABASE_URL of the environment.
unset DATABASE_URL
if [ -n "${SWEEP_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$SWEEP_DATABASE_URL"
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
data="$work/postgres"

# The token is made before the server starts: both would otherwise run the private cluster.
"$bin" token create --name schemathesis --role admin --data-dir "$data" >"$work/token.out" 2>"$work/token.log"
export LOTGATE_SWEEP_TOKEN LOTGATE_SWEEP_TOKEN_ID
LOTGATE_SWEEP_TOKEN="$(tail -n 1 "$work/token.out")"
# Its id, from "created admin token <id> for ...": the hooks never let the sweep revoke it.
LOTGATE_SWEEP_TOKEN_ID="$(sed -n 's/^created admin token \([0-9a-f-]*\) .*/\1/p' "$work/token.log")"

# The rate limiters stay in the path but never throttle the sweep (one token, thousands
# of requests, hundreds of them with a wrong token on purpose): a 429 would only hide
# what is behind it. Their own tests are in tests/api/access.rs.
RUST_LOG="${RUST_LOG:-warn}" "$bin" serve --demo --data-dir "$data" --bind "127.0.0.1:$port" \
  --rate-limit 10000 --rate-burst 10000 --auth-failures 0 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done

start=$SECONDS
status=0
"$venv/bin/schemathesis" --config-file .ci/schemathesis.toml run openapi/openapi.json \
  --url "http://127.0.0.1:$port" \
  --checks all \
  --mode all \
  --max-examples "${SWEEP_MAX_EXAMPLES:-25}" \
  --generation-database none \
  --no-color \
  "$@" || status=$?
echo "bad-input sweep: $((SECONDS - start)) s, exit $status"
if [ "$status" != 0 ]; then
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/serve.log" >&2
fi
exit "$status"
