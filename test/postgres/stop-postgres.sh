#!/usr/bin/env bash
# stop-postgres.sh - stops the PostgreSQL server started by test/postgres/start-postgres.sh.
# `stop-postgres.sh --purge` also deletes $PG_DIR.
set -uo pipefail
PG_DIR=${PG_DIR:-/tmp/actionhost-pg}
DATA=$PG_DIR/data
BIN=
for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/pg_ctl" ] && BIN=$dir; done
if [ -n "$BIN" ] && [ -f "$DATA/postmaster.pid" ]; then
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1
  else
    "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1
  fi
  echo "stopped PostgreSQL ($DATA)"
else
  echo "not running (no $DATA/postmaster.pid)"
fi
if [ "${1:-}" = "--purge" ]; then rm -rf "$PG_DIR"; echo "removed $PG_DIR"; fi
