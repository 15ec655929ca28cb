#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of the JSCalendar module: the iCalendar parser,
# iCalendar -> JSCalendar, JSCalendar -> iCalendar and a bounded recurrence expansion
# (entry point: Fuzz/JSCalendarFuzz.swift).
#
# Usage: scripts/fuzz.sh [seconds]        (default 60)
#   e.g. scripts/fuzz.sh 300
#
# Builds with swiftc directly (Linux; libFuzzer comes with the toolchain's -sanitize=fuzzer),
# outside SwiftPM, so `swift build` never sees it: the JSON, ContentLine and JSCalendar
# sources are compiled into static libraries with fuzzer coverage and AddressSanitizer, into
# $FUZZ_DIR (default .build/fuzz, ignored by git). The corpus .ics files are copied into a
# temporary seed directory; nothing is written into the repository. Crash, timeout and leak
# inputs land in $FUZZ_DIR/artifacts. Exits non-zero when libFuzzer finds a crash or hang.
# Environment: FUZZ_DIR, FUZZ_TIMEOUT (seconds per input, default 10), CORPUS (seed .ics directory).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_TO_RUN="${1:-60}"
FUZZ_DIR="${FUZZ_DIR:-$REPO/.build/fuzz}"
FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-10}"
CORPUS="${CORPUS:-$(cd "$REPO/.." && pwd)/shared/corpus/calcard/resources/ical}"
[ -d "$CORPUS" ] || CORPUS="/work/shared/corpus/calcard/resources/ical"
command -v swiftc >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"

mkdir -p "$FUZZ_DIR/artifacts"
FLAGS=(-O -g -sanitize=fuzzer,address -parse-as-library -enable-upcoming-feature ExistentialAny
    -I "$FUZZ_DIR" -L "$FUZZ_DIR")

library() {  # name, dependencies...
    local name="$1"
    shift
    local links=()
    for dependency in "$@"; do links+=("-l$dependency"); done
    swiftc "${FLAGS[@]}" -module-name "$name" -emit-library -static -emit-module \
        -emit-module-path "$FUZZ_DIR/$name.swiftmodule" "$REPO/Sources/$name"/*.swift "${links[@]}" \
        -o "$FUZZ_DIR/lib$name.a"
}

echo "building the fuzz target in $FUZZ_DIR" >&2
library JSON
library ContentLine
library JSCalendar JSON ContentLine
swiftc "${FLAGS[@]}" -module-name JSCalendarFuzz "$REPO/Fuzz/JSCalendarFuzz.swift" \
    -lJSCalendar -lContentLine -lJSON -o "$FUZZ_DIR/jscalendar-fuzz"

SEEDS="$(mktemp -d)"
trap 'rm -rf "$SEEDS"' EXIT
cp "$CORPUS"/*.ics "$SEEDS"/
echo "fuzzing for ${SECONDS_TO_RUN}s with $(ls "$SEEDS" | wc -l) seeds" >&2
# -detect_leaks=0: Swift's runtime metadata caches look like leaks to LeakSanitizer.
"$FUZZ_DIR/jscalendar-fuzz" "$SEEDS" -max_total_time="$SECONDS_TO_RUN" -timeout="$FUZZ_TIMEOUT" \
    -max_len=65536 -rss_limit_mb=4096 -detect_leaks=0 -print_final_stats=1 \
    -artifact_prefix="$FUZZ_DIR/artifacts/"
