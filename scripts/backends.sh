#!/usr/bin/env bash
# Test backends for jmap-gateway: Radicale and Xandikos (behind nginx for HTTP Basic), on 127.0.0.1.
#
# Usage: scripts/backends.sh start|stop|status|reset
#
#   start   install what is missing (Debian packages, a Python venv), start the servers, create the users'
#           collections, wait until everything answers, write $BACKENDS_STATE/backends.env.  Idempotent: on a
#           running server it only re-checks the collections and rewrites backends.env.
#   stop    TERM (then KILL after 10 s) only the pids recorded in this script's own pid files.
#   status  print what is running; exit 1 if a selected backend is not running.
#   reset   stop, then delete the selected backends' state (data, config, logs).
#
# Users on both servers: alice / alice-pw and bob / bob-pw (HTTP Basic).
#   Radicale  http://127.0.0.1:$RADICALE_PORT/        /USER/contacts/              /USER/calendar/
#   Xandikos  http://127.0.0.1:$XANDIKOS_NGINX_PORT/  /USER/contacts/addressbook/  /USER/calendars/calendar/
#
# Environment:
#   BACKENDS             which backends to act on: "radicale", "xandikos" or "radicale xandikos" (default)
#   BACKENDS_STATE       state dir (default <repo>/.backends, git-ignored)
#   RADICALE_PORT        5232
#   XANDIKOS_PORT        8090  (xandikos itself; trusts X-Remote-User from 127.0.0.1, so never expose it)
#   XANDIKOS_NGINX_PORT  8081  (nginx in front of xandikos doing HTTP Basic; clients use this one)
#   RADICALE_PIP_SPEC    pip requirement for Radicale (default radicale==3.9.0)
#   XANDIKOS_PIP_SPEC    pip requirement for Xandikos (default xandikos==0.4.10)
#   PYTHON               python used to create the venv (default python3)
#
# Files written outside $BACKENDS_STATE: the venv <repo>/.venv-backends/ (git-ignored) and Debian packages.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$REPO/scripts/lib.sh"
STATE="${BACKENDS_STATE:-$REPO/.backends}"
VENV="$REPO/.venv-backends"
PY="${PYTHON:-python3}"
SELECTED="${BACKENDS:-radicale xandikos}"

RADICALE_PORT="${RADICALE_PORT:-5232}"
XANDIKOS_PORT="${XANDIKOS_PORT:-8090}"
XANDIKOS_NGINX_PORT="${XANDIKOS_NGINX_PORT:-8081}"
RADICALE_PIP_SPEC="${RADICALE_PIP_SPEC:-radicale==3.9.0}"
XANDIKOS_PIP_SPEC="${XANDIKOS_PIP_SPEC:-xandikos==0.4.10}"

RAD_ST="$STATE/radicale"
RAD_PIDF="$RAD_ST/radicale.pid"
RAD_URL="http://127.0.0.1:$RADICALE_PORT/"

XAN_ST="$STATE/xandikos"
XAN_PIDF="$XAN_ST/xandikos.pid"
NGX_PIDF="$XAN_ST/nginx.pid"
XAN_URL="http://127.0.0.1:$XANDIKOS_NGINX_PORT/"
XAN_DIRECT="http://127.0.0.1:$XANDIKOS_PORT/"

USERS=(alice bob)
ENV_FILE="$STATE/backends.env"

log() { printf '[backends] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# Installation

# The venv is (re)built when it is missing, broken, or was installed from other pip specs.
install_venv() {
  local specs="$RADICALE_PIP_SPEC bcrypt $XANDIKOS_PIP_SPEC cryptography"
  local stamp="$VENV/.installed-specs"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$specs" ] &&
    "$VENV/bin/python" -c 'import radicale, xandikos, bcrypt, cryptography' 2>/dev/null; then
    return 0
  fi
  command -v "$PY" >/dev/null 2>&1 || { apt_install python3 python3-venv; PY=/usr/bin/python3; }
  if [ ! -x "$VENV/bin/pip" ]; then
    log "creating venv $VENV"
    rm -rf "$VENV"
    # Debian's python3 needs python3-venv (ensurepip) for this; a failed attempt leaves a half-made venv.
    if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
      rm -rf "$VENV"
      apt_install python3-venv
      "$PY" -m venv "$VENV"
    fi
  fi
  log "pip install $specs into $VENV"
  # shellcheck disable=SC2086  # word splitting of the spec list is intended
  "$VENV/bin/pip" install -q --disable-pip-version-check $specs
  printf '%s' "$specs" > "$stamp"
}

install_deps() {
  command -v curl >/dev/null 2>&1 || apt_install curl
  case " $SELECTED " in *" xandikos "*) [ -x /usr/sbin/nginx ] || apt_install nginx-light ;; esac
  install_venv
}

# ---------------------------------------------------------------------------------------------------------
# Process helpers

# pid_alive PIDFILE NAME : true if PIDFILE holds the pid of a running process whose command line mentions NAME
# (so that a stale pid file whose pid was reused by something else is not mistaken for our server).
pid_alive() {
  local pf="$1" name="$2" pid cmd
  [ -f "$pf" ] || return 1
  pid="$(cat "$pf" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$name"* ]]
}

# stop_pidfile PIDFILE NAME : TERM the pid recorded in PIDFILE (and only that one), wait up to 10 s, then KILL.
stop_pidfile() {
  local pf="$1" name="$2" pid
  if ! pid_alive "$pf" "$name"; then
    [ -f "$pf" ] && log "$name: not running (removing stale $pf)"
    rm -f "$pf"
    return 0
  fi
  pid="$(cat "$pf")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name: pid $pid did not stop after TERM, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$pf"
  log "$name: stopped pid $pid"
}

# Servers are started as "nohup setsid CMD &": nohup so that closing the terminal does not kill them, setsid so
# that a Ctrl-C or a TERM sent to the process group of whatever started us (scripts/test.sh, a CI job) does not
# hit them directly: they are stopped in order by "stop".  $! is the server's own pid, because setsid only
# forks when it is a process group leader, which a background job of a non-interactive shell never is.

# http_code URL [curl args...] : the HTTP status of a request, 000 if nothing answers.
http_code() {
  local url="$1"; shift
  curl -s -o /dev/null -m 10 -w '%{http_code}' "$@" "$url" 2>/dev/null || true
}

# port_in_use PORT : true if something answers HTTP (or at least accepts TCP) on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_up NAME PIDFILE URL LOGFILE [SECONDS] : wait until URL answers with any HTTP status while the process in
# PIDFILE stays alive; on failure print the end of LOGFILE and die.
wait_up() {
  local name="$1" pf="$2" url="$3" logf="$4" t="${5:-60}" i code
  for i in $(seq 1 $((t * 5))); do
    if ! pid_alive "$pf" "$name"; then
      log "$name exited during startup; last lines of $logf:"
      tail -n 30 "$logf" >&2 || true
      die "$name did not start"
    fi
    code="$(http_code "$url")"
    if [ "$code" != "000" ]; then
      log "$name is up ($url answered $code after $((i / 5)).$((i % 5 * 2)) s)"
      return 0
    fi
    sleep 0.2
  done
  log "$name did not answer $url within ${t}s; last lines of $logf:"
  tail -n 30 "$logf" >&2 || true
  die "$name did not come up"
}

# ---------------------------------------------------------------------------------------------------------
# DAV helpers

MKCOL_AB_BODY='<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
 <D:set><D:prop>
  <D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>
  <D:displayname>Contacts</D:displayname>
 </D:prop></D:set>
</D:mkcol>'

MKCAL_BODY='<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:set><D:prop>
  <D:displayname>Calendar</D:displayname>
  <C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set>
 </D:prop></D:set>
</C:mkcalendar>'

PROPFIND_BODY='<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:displayname/></D:prop></D:propfind>'

# dav METHOD URL USER [BODY] : do one authenticated request (password USER-pw), print the HTTP status.
# Without BODY (only used with PROPFIND) it sends Depth: 0 and a propfind for resourcetype and displayname.
dav() {
  local m="$1" url="$2" u="$3" body="${4:-}"
  if [ -n "$body" ]; then
    http_code "$url" -u "$u:$u-pw" -X "$m" -H 'Content-Type: application/xml; charset=utf-8' --data-binary "$body"
  else
    # an explicit prop list, not allprop: Xandikos logs a traceback for some allprop properties
    http_code "$url" -u "$u:$u-pw" -X "$m" -H 'Depth: 0' -H 'Content-Type: application/xml; charset=utf-8' \
      --data-binary "$PROPFIND_BODY"
  fi
}

# ensure_collection KIND URL USER : create the address book (KIND=ab, extended MKCOL) or calendar (KIND=cal,
# MKCALENDAR) at URL unless it exists, then check that a Depth 0 PROPFIND answers 207.
ensure_collection() {
  local kind="$1" url="$2" u="$3" code
  code="$(dav PROPFIND "$url" "$u")"
  if [ "$code" = 404 ]; then
    if [ "$kind" = ab ]; then
      code="$(dav MKCOL "$url" "$u" "$MKCOL_AB_BODY")"
      log "MKCOL $url -> $code"
    else
      code="$(dav MKCALENDAR "$url" "$u" "$MKCAL_BODY")"
      log "MKCALENDAR $url -> $code"
    fi
    code="$(dav PROPFIND "$url" "$u")"
  fi
  [ "$code" = 207 ] || die "PROPFIND $url as $u answers $code, expected 207"
}

# ---------------------------------------------------------------------------------------------------------
# Radicale

radicale_configure() {
  mkdir -p "$RAD_ST/collections"
  printf 'alice:alice-pw\nbob:bob-pw\n' > "$RAD_ST/users"
  cat > "$RAD_ST/config" <<EOF
[server]
hosts = 127.0.0.1:$RADICALE_PORT

[auth]
type = htpasswd
htpasswd_filename = $RAD_ST/users
htpasswd_encryption = plain
# no artificial delay after a failed login, so wrong-password tests are fast
delay = 0

[rights]
type = owner_only

[storage]
type = multifilesystem
filesystem_folder = $RAD_ST/collections

[web]
type = none

[logging]
level = warning
mask_passwords = True
EOF
}

radicale_start() {
  mkdir -p "$RAD_ST"
  if pid_alive "$RAD_PIDF" radicale; then
    log "radicale already running (pid $(cat "$RAD_PIDF"))"
  else
    port_in_use "$RADICALE_PORT" &&
      die "port $RADICALE_PORT is taken by another process (not ours); stop it or set RADICALE_PORT"
    radicale_configure
    log "starting radicale $("$VENV/bin/radicale" --version 2>/dev/null || true) on $RAD_URL"
    nohup setsid "$VENV/bin/radicale" --config "$RAD_ST/config" >>"$RAD_ST/radicale.log" 2>&1 &
    echo $! > "$RAD_PIDF"
    wait_up radicale "$RAD_PIDF" "${RAD_URL}.well-known/carddav" "$RAD_ST/radicale.log" 60
  fi
  # The principal /USER/ is created by Radicale on the user's first authenticated request.
  local u
  for u in "${USERS[@]}"; do
    ensure_collection ab "${RAD_URL}$u/contacts/" "$u"
    ensure_collection cal "${RAD_URL}$u/calendar/" "$u"
  done
}

# ---------------------------------------------------------------------------------------------------------
# Xandikos (multi-user, trusting X-Remote-User) behind nginx (HTTP Basic, sets X-Remote-User)

nginx_configure() {
  mkdir -p "$XAN_ST/nginx-tmp"
  printf 'alice:{PLAIN}alice-pw\nbob:{PLAIN}bob-pw\n' > "$XAN_ST/nginx.htpasswd"
  # Started as root, nginx would run its workers as "nobody", which may not be able to reach the state dir
  # (e.g. a checkout under /root); keep the workers as the invoking user instead.
  local user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  cat > "$XAN_ST/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
pid $XAN_ST/nginx-master.pid;
error_log $XAN_ST/nginx-error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $XAN_ST/nginx-tmp/body;
  proxy_temp_path $XAN_ST/nginx-tmp/proxy;
  fastcgi_temp_path $XAN_ST/nginx-tmp/fastcgi;
  uwsgi_temp_path $XAN_ST/nginx-tmp/uwsgi;
  scgi_temp_path $XAN_ST/nginx-tmp/scgi;
  client_max_body_size 100m;
  upstream xandikos { server 127.0.0.1:$XANDIKOS_PORT; keepalive 16; }
  server {
    listen 127.0.0.1:$XANDIKOS_NGINX_PORT;
    auth_basic "Xandikos";
    auth_basic_user_file $XAN_ST/nginx.htpasswd;
    location / {
      proxy_pass http://xandikos;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      # overwrite whatever the client sent: only nginx decides who the user is
      proxy_set_header X-Remote-User \$remote_user;
      proxy_read_timeout 600s;
      proxy_buffering off;
    }
  }
}
EOF
}

xandikos_start() {
  mkdir -p "$XAN_ST/data" "$XAN_ST/state"
  if pid_alive "$XAN_PIDF" xandikos; then
    log "xandikos already running (pid $(cat "$XAN_PIDF"))"
  else
    port_in_use "$XANDIKOS_PORT" &&
      die "port $XANDIKOS_PORT is taken by another process (not ours); stop it or set XANDIKOS_PORT"
    log "starting xandikos $("$VENV/bin/xandikos" --version 2>&1 | tail -n 1 || true) on $XAN_DIRECT"
    nohup setsid "$VENV/bin/xandikos" multi-user -d "$XAN_ST/data" --defaults --state-dir "$XAN_ST/state" \
      --no-detect-systemd -l 127.0.0.1 -p "$XANDIKOS_PORT" --trust-x-remote-user-from 127.0.0.1 \
      >>"$XAN_ST/xandikos.log" 2>&1 &
    echo $! > "$XAN_PIDF"
    wait_up xandikos "$XAN_PIDF" "$XAN_DIRECT" "$XAN_ST/xandikos.log" 60
  fi
  if pid_alive "$NGX_PIDF" nginx; then
    log "nginx already running (pid $(cat "$NGX_PIDF"))"
  else
    port_in_use "$XANDIKOS_NGINX_PORT" &&
      die "port $XANDIKOS_NGINX_PORT is taken by another process (not ours); stop it or set XANDIKOS_NGINX_PORT"
    nginx_configure
    log "starting nginx on $XAN_URL"
    # nginx reports start-up failures (bind, config) on stderr, kept in nginx.log. One CI run saw it exit
    # at once without a word in either log; a second attempt is cheap and its failure is reported.
    local attempt
    for attempt in 1 2; do
      nohup setsid /usr/sbin/nginx -c "$XAN_ST/nginx.conf" -p "$XAN_ST" >>"$XAN_ST/nginx.log" 2>&1 &
      echo $! > "$NGX_PIDF"
      sleep 0.3
      if pid_alive "$NGX_PIDF" nginx || [ "$attempt" = 2 ]; then break; fi
      log "nginx exited at once (attempt $attempt); nginx.log says:"
      tail -n 10 "$XAN_ST/nginx.log" >&2 || true
    done
    wait_up nginx "$NGX_PIDF" "$XAN_URL" "$XAN_ST/nginx.log" 30
  fi
  # With --defaults, a user's first authenticated request creates /USER/ with contacts/addressbook and
  # calendars/calendar.  Touch each user first, then check (and if need be create) the collections.
  local u
  for u in "${USERS[@]}"; do
    dav PROPFIND "${XAN_URL}$u/" "$u" >/dev/null
    ensure_collection ab "${XAN_URL}$u/contacts/addressbook/" "$u"
    ensure_collection cal "${XAN_URL}$u/calendars/calendar/" "$u"
  done
}

xandikos_stop() {
  stop_pidfile "$NGX_PIDF" nginx
  stop_pidfile "$XAN_PIDF" xandikos
}

# ---------------------------------------------------------------------------------------------------------
# backends.env: one KEY=VALUE per line (no quotes, no comments), for every backend that is running.

write_env() {
  local tmp="$ENV_FILE.tmp.$$" u U
  mkdir -p "$STATE"
  {
    echo "ALICE_PASSWORD=alice-pw"
    echo "BOB_PASSWORD=bob-pw"
    if pid_alive "$RAD_PIDF" radicale; then
      echo "RADICALE_URL=$RAD_URL"
      for u in "${USERS[@]}"; do
        U="$(printf '%s' "$u" | tr '[:lower:]' '[:upper:]')"
        echo "RADICALE_AB_$U=${RAD_URL}$u/contacts/"
        echo "RADICALE_CAL_$U=${RAD_URL}$u/calendar/"
      done
    fi
    if pid_alive "$XAN_PIDF" xandikos && pid_alive "$NGX_PIDF" nginx; then
      echo "XANDIKOS_URL=$XAN_URL"
      for u in "${USERS[@]}"; do
        U="$(printf '%s' "$u" | tr '[:lower:]' '[:upper:]')"
        echo "XANDIKOS_AB_$U=${XAN_URL}$u/contacts/addressbook/"
        echo "XANDIKOS_CAL_$U=${XAN_URL}$u/calendars/calendar/"
      done
    fi
  } > "$tmp"
  mv -f "$tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------------------------------------------------

selected() { case " $SELECTED " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

validate_selection() {
  local b
  for b in $SELECTED; do
    case "$b" in radicale|xandikos) ;; *) die "unknown backend '$b' in BACKENDS (radicale, xandikos)" ;; esac
  done
}

cmd_start() {
  install_deps
  selected radicale && radicale_start
  selected xandikos && xandikos_start
  write_env
  log "wrote $ENV_FILE"
  # The file holds the test users' passwords; the log shows everything else.
  sed 's/^\([A-Z_]*PASSWORD\)=.*/\1=(redacted)/' "$ENV_FILE"
}

cmd_stop() {
  selected xandikos && xandikos_stop
  selected radicale && stop_pidfile "$RAD_PIDF" radicale
  if [ -d "$STATE" ]; then write_env; fi
  return 0
}

cmd_status() {
  local rc=0
  if selected radicale; then
    if pid_alive "$RAD_PIDF" radicale; then
      echo "radicale  running  pid $(cat "$RAD_PIDF")  $RAD_URL"
    else
      echo "radicale  stopped"; rc=1
    fi
  fi
  if selected xandikos; then
    if pid_alive "$XAN_PIDF" xandikos; then
      echo "xandikos  running  pid $(cat "$XAN_PIDF")  $XAN_DIRECT (direct, no auth)"
    else
      echo "xandikos  stopped"; rc=1
    fi
    if pid_alive "$NGX_PIDF" nginx; then
      echo "nginx     running  pid $(cat "$NGX_PIDF")  $XAN_URL (HTTP Basic in front of xandikos)"
    else
      echo "nginx     stopped"; rc=1
    fi
  fi
  [ -f "$ENV_FILE" ] && echo "env file: $ENV_FILE"
  return "$rc"
}

cmd_reset() {
  cmd_stop
  selected radicale && rm -rf "$RAD_ST"
  selected xandikos && rm -rf "$XAN_ST"
  if [ -d "$STATE" ]; then write_env; fi
  # remove the state dir itself once nothing of ours is left in it
  if [ ! -d "$RAD_ST" ] && [ ! -d "$XAN_ST" ]; then
    rm -f "$ENV_FILE"
    rmdir "$STATE" 2>/dev/null || true
  fi
  log "state removed ($SELECTED)"
}

validate_selection
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *) echo "usage: $0 start|stop|status|reset   (env: BACKENDS, BACKENDS_STATE, RADICALE_PORT, XANDIKOS_PORT, XANDIKOS_NGINX_PORT)" >&2
     exit 2 ;;
esac
