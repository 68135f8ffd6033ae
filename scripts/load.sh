#!/usr/bin/env bash
# make load: the portal under load (issue 15, item 5). Serves the bench database with gunicorn as the
# README's production run does (DEBUG off, several sync workers), drives it with locust on loopback
# (bench/load.py: each user signed in as their own role), and prints requests/s, p50/p95/p99 and
# errors per request kind, then where it bends over the same steady window (bench/load_report.py):
# CPU per request of the workers (Python) and of the database backends, the workers' time in SQL,
# connections, lock waits, and the top 5 statements by total time. The shared PostgreSQL has no
# pg_stat_statements, so the workers time their own statements (scripts/gunicorn_sql_stats.py, on
# for this run only) while bench/load_probe.py samples /proc, pg_stat_activity and pg_locks.
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
mkdir "$VAR/sql"
SQL_STATS_DIR=$VAR/sql $PY -m gunicorn config.wsgi -c scripts/gunicorn_sql_stats.py --workers "$WORKERS" \
  --bind "127.0.0.1:$PORT" --log-level warning &
SERVER=$!
PROBE=
stop() {
  if [[ -n $PROBE ]]; then kill "$PROBE" 2>/dev/null && wait "$PROBE" 2>/dev/null || true; fi
  if [[ -n $SERVER ]]; then kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; fi
  PROBE= SERVER=
}
trap 'stop; rm -rf "$VAR"' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done
# Users start 5 a second and each signs in (a deliberate ~0.5 s password hash). When the last one has
# signed in, bench/load.py resets the figures and writes the ready file, and the probe starts its
# window (and the workers' statement counts) at that moment: the figures measure the steady load,
# not the sign-in stampede, however long it runs on. The run stops LOAD_SECONDS later; -t only bounds
# a run whose sign-ins never all succeed.
export LOAD_SECONDS=$SECONDS_ LOAD_READY_FILE=$VAR/ready
$PY bench/load_probe.py --gunicorn-pid "$SERVER" --ready-file "$LOAD_READY_FILE" --out "$VAR/probe.json" &
PROBE=$!
$PY -m locust -f bench/load.py --headless -u "$USERS" -r 5 -t "$((SECONDS_ + 60 + USERS))s" \
  --host "http://127.0.0.1:$PORT" --csv "$VAR/load" --only-summary 2>&1 | grep -v "^\s*$" | tail -n 40 ||
  true # locust exits 1 when a request failed: the report below counts the failures all the same
if [[ ! -e $LOAD_READY_FILE ]]; then
  echo "(not every user signed in: the figures below include the sign-ins)"
elif grep -q failed "$LOAD_READY_FILE"; then
  echo "($(cut -d' ' -f2 "$LOAD_READY_FILE") users failed to sign in and stopped: the window ran with fewer users than $USERS)"
fi
# The probe writes its window at SIGTERM, the workers their statements when they exit.
stop
$PY bench/load_report.py "$VAR/load_stats.csv" "$VAR/probe.json" "$VAR/sql"
