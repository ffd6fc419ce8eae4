#!/usr/bin/env bash
# start-ad.sh - actionhost's throwaway Samba Active Directory DC on 127.0.0.1 for the AD tests
# (test/ad/global-setup.ts runs it; .ci/run may call it directly). Adapted from ../shared/recipes/start-ad.sh:
# serialised with flock (parallel test runs share one DC), ad.json written without python, DNS domain in it.
#
# Debian 12, run as root. No systemd/docker needed. Idempotent:
#   1. apt-get installs what is missing (samba, samba-ad-provision, samba-dsdb-modules,
#      samba-vfs-modules, ldap-utils, openssl) - package scripts are kept from starting daemons
#   2. provisions a domain once into $AD_DIR/data (+ a pristine copy in $AD_DIR/pristine);
#      re-provisions automatically when realm/domain/password/policy settings change
#   3. (AD_RESET=1, default) restores the pristine copy, so every start is a clean domain
#   4. starts `samba` (LDAP service only) in the background and waits until an LDAPS bind works
#   5. prints `export AD_...='...'` lines on stdout (eval-able); same in $AD_DIR/ad.env and ad.json
#      (ad.json: url, startTlsUrl, bindDN, bindUPN, password, baseDN, usersDN, domain (DNS, for UPNs),
#       netbiosDomain, realm, caFile, pid)
#
# Env (all optional):
#   AD_DIR=/tmp/actionhost-ad  AD_REALM=TEST.LOCAL  AD_DOMAIN=TEST  AD_ADMIN_PASSWORD='Passw0rd!Test123'
#   AD_RESET=1            1: start from the pristine provisioned DB; 0: keep data from the last run
#   AD_COMPLEXITY=on      AD password complexity (on = like a real DC); min/max age and history are 0
#   AD_MIN_PWD_LENGTH=7
#   AD_ALLOW_PLAIN_LDAP=0 1: also allow simple binds on ldap://:389 without TLS (NB: Samba then even
#                         accepts unicodePwd writes in clear text, which a real DC refuses)
#   AD_TIMEOUT=60         seconds to wait for the server
# Ports (hard-coded in Samba, not configurable): 389 ldap(+StartTLS), 636 ldaps, 3268/3269 GC.
# Usage:  eval "$(./start-ad.sh)"   ...tests...   ./stop-ad.sh
set -euo pipefail

AD_DIR=${AD_DIR:-/tmp/actionhost-ad}
AD_REALM=${AD_REALM:-TEST.LOCAL}
AD_DOMAIN=${AD_DOMAIN:-TEST}
AD_ADMIN_PASSWORD=${AD_ADMIN_PASSWORD:-Passw0rd!Test123}
AD_RESET=${AD_RESET:-1}
AD_COMPLEXITY=${AD_COMPLEXITY:-on}
AD_MIN_PWD_LENGTH=${AD_MIN_PWD_LENGTH:-7}
AD_ALLOW_PLAIN_LDAP=${AD_ALLOW_PLAIN_LDAP:-0}
AD_TIMEOUT=${AD_TIMEOUT:-60}

REALM_LC=$(printf '%s' "$AD_REALM" | tr '[:upper:]' '[:lower:]')
BASE_DN=$(printf '%s' "$REALM_LC" | sed 's/^/DC=/; s/\./,DC=/g')
DATA=$AD_DIR/data            # provisioned DC (absolute paths inside: never move it)
PRISTINE=$AD_DIR/pristine    # copy of $DATA right after provisioning
CONF=$DATA/etc/smb.conf
TLS=$DATA/private/tls
PIDFILE=$AD_DIR/samba.pid
LOGDIR=$AD_DIR/log
PARAMS="$AD_REALM|$AD_DOMAIN|$AD_ADMIN_PASSWORD|$AD_COMPLEXITY|$AD_MIN_PWD_LENGTH"
T0=$(date +%s.%N)

say() { printf '[start-ad %5.1fs] %s\n' "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
ldaps_ok() {
  LDAPTLS_REQCERT=never ldapsearch -x -o nettimeout=2 -H ldaps://127.0.0.1:636 \
    -D "Administrator@$REALM_LC" -w "$AD_ADMIN_PASSWORD" -b "$BASE_DN" -s base -LLL dn >/dev/null 2>&1
}

[ "$(id -u)" = 0 ] || die "must run as root (Samba AD DC needs root; LDAP ports 389/636)"
mkdir -p "$AD_DIR" "$LOGDIR"
command -v flock >/dev/null || die "flock (util-linux) is missing"
# One start at a time: two test runs starting together would otherwise both provision/restore/start.
exec 9>"$AD_DIR/start.lock"
flock -w "$((AD_TIMEOUT + 120))" 9 || die "another start-ad.sh holds $AD_DIR/start.lock"

# ---------------------------------------------------------------- 1. install
install_packages() {
  local pkgs=(samba samba-ad-provision samba-dsdb-modules samba-vfs-modules ldap-utils openssl) missing=() p
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]} (log: $LOGDIR/apt.log)"
  local policy_created=0 rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then   # keep postinst from starting smbd/nmbd/samba-ad-dc
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    policy_created=1
  fi
  { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
    >"$LOGDIR/apt.log" 2>&1 || rc=$?
  [ $policy_created = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || { tail -20 "$LOGDIR/apt.log" >&2; die "apt-get failed ($rc)"; }
  say "packages installed"
}
install_packages

# ---------------------------------------------------------------- 2. provision (once)
provision() {
  say "provisioning $AD_REALM into $DATA (log: $LOGDIR/provision.log)"
  rm -rf "$DATA" "$PRISTINE" "$AD_DIR/provision.params"
  mkdir -p "$DATA"
  # Needs xattrs (security.NTACL) + POSIX ACLs on the filesystem holding $DATA/state (sysvol):
  # fine on ext4/xfs/btrfs/tmpfs; fails on e.g. ramfs ("does not support posix ACLs").
  samba-tool domain provision --use-rfc2307 --server-role=dc --dns-backend=NONE \
      --realm="$AD_REALM" --domain="$AD_DOMAIN" --adminpass="$AD_ADMIN_PASSWORD" \
      --host-name=dc1 --host-ip=127.0.0.1 --targetdir="$DATA" \
      --option="interfaces=127.0.0.1" --option="bind interfaces only=yes" \
      >"$LOGDIR/provision.log" 2>&1 || { tail -20 "$LOGDIR/provision.log" >&2; die "provision failed"; }

  # self-signed cert (2048 bit, SAN 127.0.0.1/localhost/dc1): faster than Samba's own 4096-bit
  # autogeneration, and usable as a CA file so clients can verify instead of rejectUnauthorized:false
  mkdir -p "$TLS"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=dc1.$REALM_LC" \
      -addext "subjectAltName=DNS:dc1.$REALM_LC,DNS:localhost,IP:127.0.0.1" \
      -keyout "$TLS/key.pem" -out "$TLS/cert.pem" 2>/dev/null
  chmod 600 "$TLS/key.pem"    # samba refuses a key file that is not 0600

  # test-friendly password policy (offline, straight into sam.ldb)
  samba-tool domain passwordsettings set -s "$CONF" -H "$DATA/private/sam.ldb" \
      --min-pwd-age=0 --max-pwd-age=0 --history-length=0 \
      --complexity="$AD_COMPLEXITY" --min-pwd-length="$AD_MIN_PWD_LENGTH" >>"$LOGDIR/provision.log" 2>&1 \
      || die "passwordsettings failed"

  cp -a "$DATA" "$PRISTINE"
  printf '%s\n' "$PARAMS" >"$AD_DIR/provision.params"
  say "provisioned"
}

# Only the LDAP service; logs, pid files and sockets under $AD_DIR; loopback only.
# Re-applied on every start so e.g. AD_ALLOW_PLAIN_LDAP works without re-provisioning.
configure() {
  local extra; extra=$(mktemp)
  {
    printf '\tserver services = ldap\n'
    printf '\tlog file = %s/log.%%m\n\tmax log size = 10000\n' "$LOGDIR"
    printf '\tpid directory = %s/run\n\tncalrpc dir = %s/run/ncalrpc\n' "$AD_DIR" "$AD_DIR"
    printf '\twinbindd socket directory = %s/run/winbindd\n' "$AD_DIR"
    printf '\ttls enabled = yes\n\ttls keyfile = %s/key.pem\n\ttls certfile = %s/cert.pem\n\ttls cafile =\n' "$TLS" "$TLS"
    [ "$AD_ALLOW_PLAIN_LDAP" = 1 ] && printf '\tldap server require strong auth = no\n'
  } >"$extra"
  sed -i -E '/^[[:space:]]*(server services|log file|max log size|pid directory|ncalrpc dir|winbindd socket directory|tls (enabled|keyfile|certfile|cafile)|ldap server require strong auth)[[:space:]]*=/d' "$CONF"
  sed -i "/^\[global\]/r $extra" "$CONF"
  rm -f "$extra"
  mkdir -p "$AD_DIR/run"
}

if running; then
  say "already running (pid $(cat "$PIDFILE")), not touching data"
else
  for p in 389 636 3268 3269; do
    port_open "$p" && die "127.0.0.1:$p is already in use (another LDAP server/samba?) - Samba's LDAP ports are fixed"
  done
  if [ ! -f "$PRISTINE/private/sam.ldb" ] || [ "$(cat "$AD_DIR/provision.params" 2>/dev/null)" != "$PARAMS" ]; then
    provision
  elif [ "$AD_RESET" = 1 ] || [ ! -f "$CONF" ]; then
    rm -rf "$DATA" && cp -a "$PRISTINE" "$DATA"
    say "restored pristine domain"
  fi
  configure

  # ------------------------------------------------------------ 3. start
  # setsid: own session/process group (pgid == pid), survives the calling shell; stop-ad.sh kills the group
  # 9>&-: samba must not inherit the start lock (stop-ad.sh would wait for it forever)
  setsid samba --foreground --no-process-group -s "$CONF" </dev/null >"$LOGDIR/samba.out" 2>&1 9>&- &
  echo $! >"$PIDFILE"
  say "samba started (pid $(cat "$PIDFILE")), waiting for LDAPS"
fi

# ---------------------------------------------------------------- 4. wait until a real bind works
deadline=$((SECONDS + AD_TIMEOUT))
until ldaps_ok; do
  running || { tail -30 "$LOGDIR/samba.out" >&2; rm -f "$PIDFILE"; die "samba exited during startup (see $LOGDIR)"; }
  [ $SECONDS -lt $deadline ] || die "no LDAPS answer after ${AD_TIMEOUT}s (see $LOGDIR)"
  sleep 0.2
done
say "ready: ldaps://127.0.0.1:636 (and StartTLS on ldap://127.0.0.1:389)"

# ---------------------------------------------------------------- 5. connection info
CA_FILE=$TLS/cert.pem
{
  echo "export AD_URL=$(q ldaps://127.0.0.1:636)"
  echo "export AD_STARTTLS_URL=$(q ldap://127.0.0.1:389)"
  echo "export AD_BIND_DN=$(q "CN=Administrator,CN=Users,$BASE_DN")"
  echo "export AD_BIND_UPN=$(q "Administrator@$REALM_LC")"
  echo "export AD_BIND_PASSWORD=$(q "$AD_ADMIN_PASSWORD")"
  echo "export AD_BASE_DN=$(q "$BASE_DN")"
  echo "export AD_USERS_DN=$(q "CN=Users,$BASE_DN")"
  echo "export AD_DOMAIN=$(q "$AD_DOMAIN")"
  echo "export AD_REALM=$(q "$AD_REALM")"
  echo "export AD_CA_FILE=$(q "$CA_FILE")"
} | tee "$AD_DIR/ad.env"

# JSON string: escape backslash and double quote (the values here hold no control characters)
j() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
tmp=$(mktemp "$AD_DIR/ad.json.XXXXXX")
cat >"$tmp" <<JSON
{
  "url": $(j ldaps://127.0.0.1:636),
  "startTlsUrl": $(j ldap://127.0.0.1:389),
  "bindDN": $(j "CN=Administrator,CN=Users,$BASE_DN"),
  "bindUPN": $(j "Administrator@$REALM_LC"),
  "password": $(j "$AD_ADMIN_PASSWORD"),
  "baseDN": $(j "$BASE_DN"),
  "usersDN": $(j "CN=Users,$BASE_DN"),
  "domain": $(j "$REALM_LC"),
  "netbiosDomain": $(j "$AD_DOMAIN"),
  "realm": $(j "$AD_REALM"),
  "caFile": $(j "$CA_FILE"),
  "pid": $(cat "$PIDFILE")
}
JSON
mv "$tmp" "$AD_DIR/ad.json"   # atomic: a reader never sees half a file
