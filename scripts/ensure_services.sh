#!/usr/bin/env bash
# Make sure what the tests need is installed and running: PostgreSQL and Redis on 127.0.0.1,
# Chromium with CJK fonts (browser tests), poppler (reading PDFs back). Installs with apt-get when
# run as root; otherwise stops and prints the exact command to run.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
APT_UPDATED=0

say() { printf '[ensure] %s\n' "$*"; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  if ! is_root; then
    say "missing: $*"
    say "run as root: apt-get update && apt-get install -y --no-install-recommends $*"
    exit 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
pg_login() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
  command -v pg_isready >/dev/null || apt_install postgresql postgresql-client
  if ! pg_up; then
    if ! is_root; then say "PostgreSQL is not running on $PG_HOST:$PG_PORT; as root: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql | tail -1) main start"; exit 1; fi
    if [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then apt_install postgresql; fi
    version=$(ls /etc/postgresql | sort -n | tail -1)
    [ -d "/etc/postgresql/$version/main" ] || pg_createcluster "$version" main >/dev/null
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  pg_up || { say "PostgreSQL did not start"; exit 1; }
  if ! pg_login; then
    # A fresh Debian cluster asks TCP clients for a password: trust local TCP for the test server.
    if ! is_root; then say "cannot log in as postgres on $PG_HOST; allow trust for 127.0.0.1 in pg_hba.conf"; exit 1; fi
    version=$(ls /etc/postgresql | sort -n | tail -1)
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    say "switching local TCP logins to trust in $hba (test server)"
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    sleep 1
    pg_login || { say "still cannot log in to PostgreSQL as postgres"; exit 1; }
  fi
  say "PostgreSQL ok on $PG_HOST:$PG_PORT"
}

redis_up() { (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [[ "$reply" == +PONG* ]]) 2>/dev/null; }

ensure_redis() {
  if ! redis_up; then
    command -v redis-server >/dev/null || apt_install redis-server
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  fi
  redis_up || { say "Redis did not start"; exit 1; }
  say "Redis ok on 127.0.0.1:$REDIS_PORT"
}

ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  [ -d /usr/share/poppler/cMap ] || missing+=(poppler-data)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  say "Chromium, CJK fonts and poppler ok"
}

for what in "${@:-postgres redis browser}"; do
  for w in $what; do
    case "$w" in
      postgres) ensure_postgres ;;
      redis) ensure_redis ;;
      browser) ensure_browser ;;
      *) say "unknown: $w"; exit 2 ;;
    esac
  done
done
