#!/usr/bin/env bash
# stop-ad.sh - stop the Samba AD DC started by test/ad/start-ad.sh.  `stop-ad.sh --purge` also deletes $AD_DIR.
# Adapted from ../shared/recipes/stop-ad.sh; also removes ad.json so nobody reads facts of a stopped DC.
set -uo pipefail
AD_DIR=${AD_DIR:-/tmp/actionhost-ad}
PIDFILE=$AD_DIR/samba.pid
# not while start-ad.sh is mid-start (bounded: an old samba may still hold the lock it inherited)
if [ -d "$AD_DIR" ]; then exec 9>"$AD_DIR/start.lock"; flock -w 20 9 || echo "start.lock busy; stopping anyway" >&2; fi
if [ -f "$PIDFILE" ]; then
  pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"                       # samba's root process shuts its tasks down
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # start-ad.sh ran samba under setsid, so its process group id == $pid: wait for / clean up stragglers
  for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null
  rm -f "$PIDFILE" "$AD_DIR/ad.json"
  echo "stopped samba (pid $pid)"
else
  echo "not running (no $PIDFILE)"
fi
if [ "${1:-}" = "--purge" ]; then rm -rf "$AD_DIR"; echo "removed $AD_DIR"; fi
