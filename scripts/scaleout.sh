#!/usr/bin/env bash
# make scaleout: the deployment scaled out, shown on one machine (issue 15, item 6). Two gunicorn
# instances run as the README's production run does (DEBUG off, collectstatic, settings from the
# environment, one SECRET_KEY), each with its own NANAN_VAR_DIR, behind an nginx that balances them
# round robin; two Celery workers share one broker (a Redis database of this run's own) and one
# PostgreSQL database (nanan_scaleout, seeded small when absent). bench/scaleout.py then checks
# through nginx that sessions, the login lockout and payroll idempotency hold across the instances
# and that both workers consume, and prints a summary. Everything started here is stopped on exit.
# nginx is installed from Debian when missing (root only); its config, pid, logs and temp files are
# in a temporary directory and it runs as a child of this script: the system's nginx is not used.
# SCALEOUT_DATABASE_URL, SCALEOUT_REDIS_DB (9; the tests use 15 and the databases just below it)
# and SCALEOUT_SCALE (0.2 = 200 households) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python
DB_URL=${SCALEOUT_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/nanan_scaleout}
REDIS_DB=${SCALEOUT_REDIS_DB:-9}
SCALE=${SCALEOUT_SCALE:-0.2}
say() { printf '[scaleout] %s\n' "$*"; }

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [[ ! -x $NGINX ]]; then
  if [[ $(id -u) != 0 ]]; then
    say "nginx is not installed; as root: apt-get install -y --no-install-recommends nginx"
    exit 1
  fi
  say "installing nginx from Debian (its own service is not used by this run)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi

VAR=$(mktemp -d /tmp/nanan-scaleout.XXXXXX)
PIDS=()
STARTED=$SECONDS
stop() {
  local status=$? pid left=()
  if [[ $status != 0 ]]; then # what the processes said, before their directory goes
    for log in "$VAR"/*.log "$VAR"/nginx/error.log; do
      [[ -s $log ]] && printf '\n--- %s (last lines)\n' "${log#"$VAR"/}" && tail -n 15 "$log"
    done
  fi
  # TERM to each: nginx and gunicorn stop, the Celery workers finish the task in hand first.
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
  if [[ ${#left[@]} -gt 0 ]]; then say "still running: ${left[*]}"; fi
  PIDS=()
  rm -rf "$VAR"
  say "stopped everything it started ($((SECONDS - STARTED)) s)"
}
trap stop EXIT

# Three spare ports on loopback: two instances and the proxy.
read -r WEB1 WEB2 PROXY < <("$PY" - <<'PYEOF'
import socket

sockets = [socket.socket() for _ in range(3)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))
PYEOF
)

# One set of settings for every process, as on several hosts: the same SECRET_KEY, the database and
# the broker; nginx is the one proxy in front (TRUSTED_PROXY_COUNT=1: lockout and throttling see the
# client's address). TLS is not terminated on loopback, so HTTPS redirects and secure cookies are off.
export DATABASE_URL=$DB_URL CELERY_BROKER_URL=redis://127.0.0.1:6379/$REDIS_DB
export CELERY_RESULT_BACKEND=$CELERY_BROKER_URL DEBUG=0 ALLOWED_HOSTS=127.0.0.1 TRUSTED_PROXY_COUNT=1
export SECRET_KEY=scaleout-demo-$(date +%s)-$RANDOM-not-a-production-key-0123456789
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 LOG_LEVEL=WARNING

DB_NAME=${DB_URL##*/}
if ! psql "${DB_URL%/*}/postgres" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
  say "creating $DB_NAME and seeding the demo at --scale $SCALE"
  psql "${DB_URL%/*}/postgres" -qc "CREATE DATABASE \"$DB_NAME\""
  NANAN_VAR_DIR=$VAR/seed "$PY" manage.py migrate --noinput -v0
  NANAN_VAR_DIR=$VAR/seed "$PY" manage.py seed_demo --scale "$SCALE" | grep "Demo data ready"
else
  NANAN_VAR_DIR=$VAR/seed "$PY" manage.py migrate --noinput -v0
fi
# A message left by an interrupted run would be consumed by this run's workers and skew the counts.
"$PY" -m celery -A config purge -f >/dev/null

# Each process has a var directory of its own, as on its own host: static files are collected once
# and copied to each instance (as a release is copied to each host); media (the uploads a background
# import reads on a worker) is the one directory they share, as a mount would be.
mkdir -p "$VAR/media"
for dir in web1 web2 worker1 worker2; do mkdir -p "$VAR/$dir" && ln -s "$VAR/media" "$VAR/$dir/media"; done
NANAN_VAR_DIR=$VAR/web1 "$PY" manage.py collectstatic --noinput -v0
cp -a "$VAR/web1/staticfiles" "$VAR/web2/"
for n in 1 2; do
  port=WEB$n
  NANAN_VAR_DIR=$VAR/web$n "$PY" -m gunicorn config.wsgi --workers 2 --bind "127.0.0.1:${!port}" \
    --log-level warning 2>>"$VAR/web$n.log" &
  PIDS+=("$!")
  NANAN_VAR_DIR=$VAR/worker$n "$PY" -m celery -A config worker --hostname "worker$n@%h" --concurrency 1 \
    --loglevel INFO --logfile "$VAR/worker$n.log" >/dev/null 2>&1 &
  PIDS+=("$!")
done

# nginx: round robin over both instances. It adds X-Upstream (the instance that answered) to every
# response, and, for this demonstration only, X-Instance: 1 or 2 on a request pins it to that instance.
mkdir -p "$VAR/nginx/temp"
user=
if [[ $(id -u) == 0 ]]; then # nginx's workers leave root for nobody: let them reach their temp files
  user="user nobody nogroup;"
  chmod 711 "$VAR" "$VAR/nginx"
  chown nobody:nogroup "$VAR/nginx/temp"
fi
cat >"$VAR/nginx/nginx.conf" <<EOF
$user
daemon off;
worker_processes 1;
pid $VAR/nginx/nginx.pid;
error_log $VAR/nginx/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $VAR/nginx/temp/body;
    proxy_temp_path $VAR/nginx/temp/proxy;
    fastcgi_temp_path $VAR/nginx/temp/fastcgi;
    uwsgi_temp_path $VAR/nginx/temp/uwsgi;
    scgi_temp_path $VAR/nginx/temp/scgi;
    upstream portal {
        server 127.0.0.1:$WEB1;
        server 127.0.0.1:$WEB2;
    }
    map \$http_x_instance \$instance {
        default portal;
        1 127.0.0.1:$WEB1;
        2 127.0.0.1:$WEB2;
    }
    server {
        listen 127.0.0.1:$PROXY;
        location / {
            proxy_pass http://\$instance;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            add_header X-Upstream \$upstream_addr always;
        }
    }
}
EOF
# Ready when /healthz answers 200 (the database, the broker and a worker are there): each instance
# first, so that nginx, started then, never counts one as down for answering before it listened.
healthy() {
  local _
  for _ in $(seq 180); do
    curl -fs -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    sleep 0.5
  done
  say "/healthz on 127.0.0.1:$1 did not answer 200 within 90 s"
  return 1
}
healthy "$WEB1"
healthy "$WEB2"
"$NGINX" -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/nginx/error.log" 2>>"$VAR/nginx/error.log" &
PIDS+=("$!")
healthy "$PROXY"
say "ready in $((SECONDS - STARTED)) s: nginx 127.0.0.1:$PROXY -> gunicorn 127.0.0.1:$WEB1 and 127.0.0.1:$WEB2 (2 workers each);" \
  "Celery worker1 and worker2 on redis db $REDIS_DB; PostgreSQL $DB_NAME"
NANAN_VAR_DIR=$VAR/check SCALEOUT_PROXY=http://127.0.0.1:$PROXY \
  SCALEOUT_INSTANCES="127.0.0.1:$WEB1 127.0.0.1:$WEB2" "$PY" bench/scaleout.py
