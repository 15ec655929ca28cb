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
#   4. runs swift build --build-tests, then swift test "$@",
#   5. runs the jmaplib client suite (scripts/jmaplib-tests.sh: Tests/jmaplib with the Python JMAP library
#      jmaplib against the debug gateway in front of Radicale) when no arguments were given, or always with
#      JMAPLIB_TESTS=1 (JMAPLIB_TESTS=0 skips it),
#   6. exits non-zero if either failed (swift test's status, else the jmaplib suite's).
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

# ---------------------------------------------------------------------------------------------------------
jmaplib_status=0
run_jmaplib="${JMAPLIB_TESTS:-}"
if [ -z "$run_jmaplib" ]; then
  if [ $# -eq 0 ]; then run_jmaplib=1; else run_jmaplib=0; fi
fi
if [ "$run_jmaplib" = 1 ]; then
  section "jmaplib client tests (scripts/jmaplib-tests.sh)"
  # the debug build swift build --build-tests just made (or $GATEWAY_BINARY when set)
  "$REPO/scripts/jmaplib-tests.sh" || jmaplib_status=$?
else
  section "jmaplib client tests skipped (swift test arguments given; JMAPLIB_TESTS=1 runs them)"
fi

if [ "$status" -eq 0 ] && [ "$jmaplib_status" -eq 0 ]; then
  section "TESTS PASSED"
else
  section "TESTS FAILED (swift test exit status $status, jmaplib tests exit status $jmaplib_status)"
  [ "$status" -ne 0 ] || status="$jmaplib_status"
fi
exit "$status"
