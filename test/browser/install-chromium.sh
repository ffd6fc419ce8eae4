#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the console's browser tests (test/browser/*.test.ts drive it with
# playwright-core: no browser is downloaded at `npm ci`). Installs it with apt-get when missing; needs root then.
# .ci/run calls this before `npm test`; on a machine that has /usr/bin/chromium it does nothing.
set -euo pipefail
say() { echo "[install-chromium] $*" >&2; }
die() { say "error: $*"; exit 1; }

if command -v chromium >/dev/null 2>&1 && chromium --version >/dev/null 2>&1; then
  exit 0
fi
[ "$(id -u)" = 0 ] || die "chromium is missing and installing it needs root: apt-get install chromium"
command -v apt-get >/dev/null || die "chromium is missing and this is not a Debian-like system (no apt-get)"
log=$(mktemp)
say "apt-get install chromium (log: $log)"
rc=0
{ DEBIAN_FRONTEND=noninteractive apt-get update -q &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; } \
  >"$log" 2>&1 || rc=$?
[ $rc = 0 ] || { tail -20 "$log" >&2; die "apt-get failed ($rc)"; }
say "$(chromium --version 2>/dev/null | head -1)"
