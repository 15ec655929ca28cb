#!/usr/bin/env bash
# The project's one test command: build and run every test, with real Radicale and Xandikos backends.
#
# Usage: scripts/test.sh [swift test arguments...]
#   e.g. scripts/test.sh --filter DAVTests
#
# Meant for a fresh Debian machine with a Swift toolchain (on PATH, or at /opt/swift/usr/bin):
#   1. installs the missing Debian packages (through sudo when not root),
#   2. starts the test backends with scripts/backends.sh start and stops them again on exit (backends that
#      were already running before are left running; KEEP_BACKENDS=1 keeps them running in any case),
#   3. exports JMAP_GATEWAY_BACKENDS_ENV=$BACKENDS_STATE/backends.env for the tests,
#   4. runs swift build --build-tests, then swift test "$@", and exits with swift test's status.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

export BACKENDS_STATE="${BACKENDS_STATE:-$REPO/.backends}"
BACKENDS_SH="$REPO/scripts/backends.sh"
DEB_PACKAGES=(libsqlite3-dev libxml2-dev pkg-config curl nginx-light python3-venv ca-certificates)

section() { printf '\n==== %s ====\n' "$*"; }
die() { printf 'test.sh: ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# ---------------------------------------------------------------------------------------------------------
section "Toolchain"
if ! command -v swift >/dev/null 2>&1; then
  [ -x /opt/swift/usr/bin/swift ] || die "swift not found on PATH nor at /opt/swift/usr/bin/swift"
  export PATH="/opt/swift/usr/bin:$PATH"
fi
echo "swift: $(command -v swift)"
swift --version 2>&1 | head -n 2

# ---------------------------------------------------------------------------------------------------------
section "Debian packages"
missing=()
for p in "${DEB_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all present: ${DEB_PACKAGES[*]}"
else
  echo "installing: ${missing[*]}"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    as_root apt-get update -qq
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---------------------------------------------------------------------------------------------------------
section "Test backends (Radicale, Xandikos)"
already_running=0
if "$BACKENDS_SH" status >/dev/null 2>&1; then already_running=1; fi

cleanup() {
  local rc=$?
  if [ "$already_running" = 1 ] || [ "${KEEP_BACKENDS:-0}" = 1 ]; then
    section "Test backends left running (scripts/backends.sh stop to stop them)"
  else
    section "Stopping test backends"
    "$BACKENDS_SH" stop || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BACKENDS_SH" start
export JMAP_GATEWAY_BACKENDS_ENV="$BACKENDS_STATE/backends.env"
echo "JMAP_GATEWAY_BACKENDS_ENV=$JMAP_GATEWAY_BACKENDS_ENV"

# ---------------------------------------------------------------------------------------------------------
section "swift build --build-tests"
swift build --build-tests

# ---------------------------------------------------------------------------------------------------------
section "swift test $*"
status=0
swift test "$@" || status=$?

if [ "$status" -eq 0 ]; then
  section "TESTS PASSED"
else
  section "TESTS FAILED (swift test exit status $status)"
fi
exit "$status"
