#!/usr/bin/env bash
# start-postgres.sh - actionhost's throwaway PostgreSQL server on 127.0.0.1 for the multi-host tests
# (test/postgres/global-setup.ts runs it; .ci/run calls it next to the Samba DC). Idempotent: reuses a server that
# answers, apt-installs Debian's `postgresql` the first time, initdb's a cluster of its own in $PG_DIR.
#   - listens on 127.0.0.1:$PG_PORT only, no unix socket at all (nothing in /var/run/postgresql is touched)
#   - a test role ($PG_USER, password auth, CREATEDB, not a superuser): each test file creates its own database
#   - runs as the `postgres` user when started by root (initdb refuses root)
# Prints `export PG_URL=...` (eval-able); the same in $PG_DIR/pg.env.
# Env (optional): PG_DIR=/tmp/actionhost-pg  PG_PORT=54329  PG_USER=actionhost  PG_PASSWORD=actionhost  PG_TIMEOUT=60
set -euo pipefail

PG_DIR=${PG_DIR:-/tmp/actionhost-pg}
PG_PORT=${PG_PORT:-54329}
PG_USER=${PG_USER:-actionhost}
PG_PASSWORD=${PG_PASSWORD:-actionhost}
PG_TIMEOUT=${PG_TIMEOUT:-60}
DATA=$PG_DIR/data
LOG=$PG_DIR/postgres.log
URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres"

say() { printf '[start-postgres] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && { printf '%s' "$dir"; return 0; }; done
  return 1
}
if ! BIN=$(bindir); then
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and installing it needs root"
  mkdir -p "$PG_DIR"
  say "apt-get install postgresql (log: $PG_DIR/apt.log)"
  policy_created=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then # keep postinst from starting the distribution's own cluster
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    policy_created=1
  fi
  rc=0
  { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql; } >"$PG_DIR/apt.log" 2>&1 || rc=$?
  [ $policy_created = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || { tail -20 "$PG_DIR/apt.log" >&2; die "apt-get failed ($rc)"; }
  BIN=$(bindir) || die "no initdb after installing postgresql"
fi

# Commands that touch the cluster run as its owner: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
answers() {
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=2 "$BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres \
    -c 'SELECT 1' >/dev/null 2>&1
}

mkdir -p "$PG_DIR"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
exec 9>"$PG_DIR/start.lock"
flock -w "$((PG_TIMEOUT + 60))" 9 || die "another start-postgres.sh holds $PG_DIR/start.lock"

if answers; then
  say "already running on 127.0.0.1:$PG_PORT"
else
  if [ ! -f "$DATA/PG_VERSION" ]; then
    say "initdb $DATA"
    rm -rf "$DATA"
    pwfile=$(mktemp "$PG_DIR/pw.XXXXXX")
    printf '%s\n' "$PG_PASSWORD" >"$pwfile"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$pwfile"
    # The bootstrap superuser is the test role's admin only; the tests connect as $PG_USER.
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
      { rm -f "$pwfile"; tail -20 "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
log_min_messages = warning
# Test databases live seconds: an autovacuum worker in one would make the test role's DROP DATABASE … WITH (FORCE)
# fail (it may not end a superuser's process).
autovacuum = off
CONF
    printf 'host all all 127.0.0.1/32 scram-sha-256\n' >"$DATA/pg_hba.conf"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA/pg_hba.conf"
    fresh=1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
    die "127.0.0.1:$PG_PORT is in use by something that does not accept $PG_USER"
  fi
  rm -f "$DATA/postmaster.pid"
  # setsid: its own session, so it outlives the calling shell; stop-postgres.sh stops it with pg_ctl.
  as_owner setsid "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c autovacuum=off" start \
    </dev/null >/dev/null 2>&1 9>&- || { tail -20 "$LOG" >&2; die "pg_ctl start failed"; }
  if [ "${fresh:-0}" = 1 ]; then
    deadline=$((SECONDS + PG_TIMEOUT))
    until PGPASSWORD=$PG_PASSWORD "$BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'SELECT 1' \
      >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || { tail -20 "$LOG" >&2; die "no answer after ${PG_TIMEOUT}s"; }
      sleep 0.2
    done
    PGPASSWORD=$PG_PASSWORD "$BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" >/dev/null
  fi
fi

deadline=$((SECONDS + PG_TIMEOUT))
until answers; do
  [ $SECONDS -lt $deadline ] || { tail -20 "$LOG" >&2; die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT (see $LOG)"; }
  sleep 0.2
done
say "ready: 127.0.0.1:$PG_PORT"
printf "export PG_URL='%s'\n" "$URL" | tee "$PG_DIR/pg.env"
