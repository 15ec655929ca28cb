#!/usr/bin/env bash
# The jmaplib suite: Tests/jmaplib (pytest) drives a running jmap-gateway with the published Python JMAP
# client library jmaplib (PyPI jmaplib[ws,push]==3.0.1, imported as `jmap`), as a real client would.
#
# Usage: scripts/jmaplib-tests.sh [pytest arguments...]
#   e.g. scripts/jmaplib-tests.sh -k changes -v
#
#   1. creates (or reuses) the venv <repo>/.venv-jmaplib (git-ignored) with $JMAPLIB_PIP_SPEC and pytest,
#   2. uses the Radicale test backend of $BACKENDS_STATE (default <repo>/.backends; the directory of
#      $JMAP_GATEWAY_BACKENDS_ENV when that is set, as in scripts/test.sh) and its backends.env; when Radicale is
#      not running it starts it with scripts/backends.sh (BACKENDS=radicale) and stops it again on exit,
#   3. starts `$GATEWAY_BINARY serve` on a free port with a cache in a temporary directory, waits for /ready,
#   4. runs pytest on Tests/jmaplib as alice, stops the gateway, deletes the temporary directory and exits
#      with pytest's status (the gateway's log is printed when a test failed).
#
# Environment:
#   GATEWAY_BINARY     the gateway to test (default <repo>/.build/debug/jmap-gateway; build it first)
#   JMAPLIB_PIP_SPEC   pip requirement for the client library (default jmaplib[ws,push]==3.0.1: with httpx-ws for JMAP over WebSocket, cryptography for RFC 8291)
#   PYTHON             python used to create the venv (default python3)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# shellcheck source=scripts/lib.sh
. "$REPO/scripts/lib.sh"

if [ -n "${JMAP_GATEWAY_BACKENDS_ENV:-}" ]; then
  BACKENDS_STATE="$(dirname "$JMAP_GATEWAY_BACKENDS_ENV")"
fi
export BACKENDS_STATE="${BACKENDS_STATE:-$REPO/.backends}"
BACKENDS_SH="$REPO/scripts/backends.sh"
ENV_FILE="$BACKENDS_STATE/backends.env"
GATEWAY_BINARY="${GATEWAY_BINARY:-$REPO/.build/debug/jmap-gateway}"
JMAPLIB_PIP_SPEC="${JMAPLIB_PIP_SPEC:-jmaplib[ws,push]==3.0.1}"
VENV="$REPO/.venv-jmaplib"
PY="${PYTHON:-python3}"

[ -x "$GATEWAY_BINARY" ] || die "no gateway binary at $GATEWAY_BINARY (swift build, or set GATEWAY_BINARY)"

# ---------------------------------------------------------------------------------------------------------
section "Python venv for jmaplib ($VENV)"
specs="$JMAPLIB_PIP_SPEC pytest"
stamp="$VENV/.installed-specs"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$specs" ] &&
  "$VENV/bin/python" -c 'import jmap, pytest' 2>/dev/null; then
  echo "reusing $VENV ($specs)"
else
  rm -rf "$VENV"
  if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    apt_install python3-venv
    "$PY" -m venv "$VENV"
  fi
  # shellcheck disable=SC2086 # $specs is a list of requirements
  "$VENV/bin/pip" install -q --disable-pip-version-check $specs
  echo "$specs" > "$stamp"
fi
"$VENV/bin/python" -c 'import importlib.metadata as m; print("jmaplib", m.version("jmaplib"), "pytest", m.version("pytest"))'

# ---------------------------------------------------------------------------------------------------------
section "Radicale test backend"
started_radicale=0
workdir=""
gateway_pid=""

cleanup() {
  local rc=$?
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
    echo "gateway (pid $gateway_pid) stopped"
  fi
  [ -n "$workdir" ] && rm -rf "$workdir"
  if [ "$started_radicale" = 1 ]; then
    BACKENDS=radicale "$BACKENDS_SH" stop || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! BACKENDS=radicale "$BACKENDS_SH" status >/dev/null 2>&1; then
  started_radicale=1
  BACKENDS=radicale "$BACKENDS_SH" start
fi
env_value() { sed -n "s/^$1=//p" "$ENV_FILE" | head -n 1; }
RADICALE_URL="$(env_value RADICALE_URL)"
ALICE_PASSWORD="$(env_value ALICE_PASSWORD)"
[ -n "$RADICALE_URL" ] || die "no RADICALE_URL in $ENV_FILE"
echo "RADICALE_URL=$RADICALE_URL"

# ---------------------------------------------------------------------------------------------------------
section "jmap-gateway serve ($GATEWAY_BINARY)"
workdir="$(mktemp -d "${TMPDIR:-/tmp}/jmaplib-tests.XXXXXX")"
port="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat > "$workdir/config.toml" <<EOF
[server]
listen = "127.0.0.1:$port"
[backend]
url = "$RADICALE_URL"
# The push test's direct PUT on Radicale is found by the poller within this (plus 1 s).
poll_interval = "1s"
[cache]
path = "$workdir/cache"
# The PushSubscription test's receiver is plain HTTP on 127.0.0.1.
[push]
allow_insecure_urls = true
allow_private_addresses = true
[log]
level = "info"
EOF
"$GATEWAY_BINARY" serve --config "$workdir/config.toml" >"$workdir/gateway.log" 2>&1 &
gateway_pid=$!
base_url="http://127.0.0.1:$port/"
ready=0
for _ in $(seq 1 150); do
  kill -0 "$gateway_pid" 2>/dev/null || break
  code="$(curl -s -o /dev/null -m 10 -w '%{http_code}' "${base_url}ready" 2>/dev/null || true)"
  if [ "$code" = 200 ]; then ready=1; break; fi
  sleep 0.2
done
if [ "$ready" != 1 ]; then
  tail -n 30 "$workdir/gateway.log" >&2 || true
  die "the gateway did not become ready on $base_url"
fi
echo "gateway pid $gateway_pid ready on $base_url (cache $workdir/cache)"

# ---------------------------------------------------------------------------------------------------------
section "pytest Tests/jmaplib $*"
status=0
JMAPLIB_GATEWAY_URL="$base_url" JMAPLIB_DAV_ADDRESS_BOOK="$(env_value RADICALE_AB_ALICE)" JMAPLIB_USER=alice JMAPLIB_PASSWORD="${ALICE_PASSWORD:-alice-pw}" \
  PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" -m pytest -p no:cacheprovider -rA "$REPO/Tests/jmaplib" "$@" ||
  status=$?

if [ "$status" -eq 0 ]; then
  section "JMAPLIB TESTS PASSED"
else
  section "last lines of the gateway's log"
  tail -n 40 "$workdir/gateway.log" || true
  section "JMAPLIB TESTS FAILED (pytest exit status $status)"
fi
exit "$status"
