#!/usr/bin/env bash
# Fuzz the REST API from its own OpenAPI schema (schemathesis): every operation, as bureau staff and
# as a township officer, checking for server errors and for responses that break the schema.
#   make fuzz   or   scripts/fuzz_api.sh [MAX_EXAMPLES]   (FUZZ_DATABASE_URL, FUZZ_PORT, FUZZ_SEED to change)
# schemathesis is pinned in requirements-dev.txt (it installs into .venv beside the pinned Django and
# DRF without a conflict); ST=/path/to/st points at another installation. `make test` runs a short,
# budgeted version of the same run (tests/security/test_schema_fuzz.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ST=${ST:-.venv/bin/st}
[ -x "$ST" ] || { echo "schemathesis not found at $ST: run 'make dev-deps' (or set ST)" >&2; exit 2; }
MAX_EXAMPLES=${1:-${FUZZ_MAX_EXAMPLES:-25}}
PORT=${FUZZ_PORT:-8765}
SEED=${FUZZ_SEED:-20261129}
export DEBUG=1 FAST_PASSWORD_HASHER=1
export DATABASE_URL=${FUZZ_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/nanan_fuzz}
export CELERY_BROKER_URL=${FUZZ_BROKER_URL:-}  # eager tasks unless a broker is given
# The fuzzer fails logins on purpose; it must not lock the accounts it fuzzes with.
export AXES_FAILURE_LIMIT=100000 AXES_ACCOUNT_FAILURE_LIMIT=100000

db=${DATABASE_URL##*/}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo >/dev/null
$PY manage.py runserver 127.0.0.1:"$PORT" --noreload >var/fuzz-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/api/schema/" -o /dev/null && break; sleep 0.3; done

token() {
  curl -fs -X POST "http://127.0.0.1:$PORT/api/v1/auth/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"Nanan-demo-2025\"}" | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

status=0
for user in staff officer; do
  echo "== as $user (max $MAX_EXAMPLES examples an operation, seed $SEED)"
  $ST run "http://127.0.0.1:$PORT/api/schema/" \
    --header "Authorization: Token $(token "$user")" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$MAX_EXAMPLES" --seed "$SEED" --phases examples,coverage,fuzzing \
    --report junit --report-dir "var/fuzz-$user" || status=1
done
exit $status
