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
# shellcheck source=scripts/lib.sh
. "$REPO/scripts/lib.sh"

# ---------------------------------------------------------------------------------------------------------
section "Toolchain"
ensure_swift

# ---------------------------------------------------------------------------------------------------------
section "Debian packages"
ensure_packages

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
