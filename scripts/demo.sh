#!/usr/bin/env bash
# Runs the gateway in front of a demo Radicale that it starts itself, with a few demo contacts and
# events for alice (alice-pw) and bob (bob-pw). Ctrl-C stops the gateway and the demo Radicale.
#
#   PORT (8080)               the gateway's port
#   DEMO_RADICALE_PORT (5252) the demo Radicale's port (apart from the test backends' 5232)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# shellcheck source=scripts/lib.sh
. "$REPO/scripts/lib.sh"

PORT="${PORT:-8080}"
DEMO="$REPO/.demo"
export BACKENDS_STATE="$DEMO/backends" BACKENDS=radicale RADICALE_PORT="${DEMO_RADICALE_PORT:-5252}"

section "Toolchain and packages"
ensure_swift
ensure_packages

section "Demo Radicale on 127.0.0.1:$RADICALE_PORT"
"$REPO/scripts/backends.sh" start
trap '"$REPO/scripts/backends.sh" stop >/dev/null 2>&1 || true' EXIT
RADICALE="http://127.0.0.1:$RADICALE_PORT"
for user in alice bob; do
  "$REPO/scripts/demo-data.sh" "$RADICALE/$user/contacts/" "$RADICALE/$user/calendar/" "$user" "$user-pw"
done

section "Building jmap-gateway"
swift build --product jmap-gateway
mkdir -p "$DEMO/cache"
cat > "$DEMO/config.toml" <<TOML
[server]
listen = "127.0.0.1:$PORT"
[backend]
url = "$RADICALE/"
[cache]
path = "$DEMO/cache"
TOML

section "Ready"
cat <<MSG
Session:  http://127.0.0.1:$PORT/.well-known/jmap   (alice / alice-pw, bob / bob-pw)

  curl -L -u alice:alice-pw http://127.0.0.1:$PORT/.well-known/jmap

  curl -u alice:alice-pw -H 'Content-Type: application/json' http://127.0.0.1:$PORT/jmap/api \\
    --data '{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{"hello":"world"},"0"]]}'

Ctrl-C stops the gateway and the demo Radicale.
MSG
"$REPO/.build/debug/jmap-gateway" serve --config "$DEMO/config.toml"
