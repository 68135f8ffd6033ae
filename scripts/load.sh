#!/usr/bin/env bash
# make load: the portal under load (issue 15, item 5). Serves the bench database with gunicorn as the
# README's production run does (DEBUG off, several sync workers), drives it with locust on loopback
# (bench/load.py: each user signed in as their own role), and prints requests/s, p50/p95/p99 and
# errors per request kind, with the top statements by total time when pg_stat_statements is there.
# LOAD_USERS (50), LOAD_SECONDS (60), LOAD_WORKERS (4), LOAD_PORT (8790) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python
: "${DATABASE_URL:?set DATABASE_URL to the bench database (make bench builds it)}"
USERS=${LOAD_USERS:-50} SECONDS_=${LOAD_SECONDS:-60} WORKERS=${LOAD_WORKERS:-4} PORT=${LOAD_PORT:-8790}
VAR=$(mktemp -d /tmp/nanan-load.XXXXXX)
export DEBUG=0 SECRET_KEY=load-test-only-$(date +%s)-not-a-production-key-0123456789 ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 NANAN_VAR_DIR=$VAR LOG_LEVEL=WARNING
# A login lockout would turn the load into refusals: off for this run only.
export AXES_FAILURE_LIMIT=100000 AXES_ACCOUNT_FAILURE_LIMIT=100000
$PY manage.py collectstatic --noinput -v0
$PY -m gunicorn config.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$VAR"' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done
psql "$DATABASE_URL" -qc "SELECT pg_stat_statements_reset()" >/dev/null 2>&1 && STATEMENTS=1 || STATEMENTS=0
# Users sign in 5 a second (each sign-in is a deliberate ~0.5 s password hash); the figures are
# reset once all have started, so they measure the steady load, not the sign-in stampede.
$PY -m locust -f bench/load.py --headless -u "$USERS" -r 5 --reset-stats -t "$((SECONDS_ + USERS / 5))s" \
  --host "http://127.0.0.1:$PORT" --csv "$VAR/load" --only-summary 2>&1 | grep -v "^\s*$" | tail -n 40
$PY - "$VAR/load_stats.csv" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
total = next(r for r in rows if r["Name"] == "Aggregated")
print(f"\nrequests {total['Request Count']}, errors {total['Failure Count']}, {float(total['Requests/s']):.1f} requests/s, "
      f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms")
PYEOF
if [[ $STATEMENTS == 1 ]]; then
  psql "$DATABASE_URL" -c "SELECT round(total_exec_time) AS ms, calls, left(regexp_replace(query, '\s+', ' ', 'g'), 120) AS statement
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 5"
fi
