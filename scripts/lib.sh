# Shared by scripts/test.sh and scripts/demo.sh. Source it; do not run it.
# Needs REPO set to the repository root.

DEB_PACKAGES=(libsqlite3-dev libxml2-dev pkg-config curl nginx-light python3-venv ca-certificates)

section() { printf '\n==== %s ====\n' "$*"; }
die() { printf '%s: ERROR: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Puts a Swift toolchain on PATH (/opt/swift on this project's machines).
ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    [ -x /opt/swift/usr/bin/swift ] || die "swift not found on PATH nor at /opt/swift/usr/bin/swift"
    export PATH="/opt/swift/usr/bin:$PATH"
  fi
  echo "swift: $(command -v swift)"
  swift --version 2>&1 | head -n 2
}

# apt_install PKG... : installs the Debian packages that are missing (nothing when all are there).
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "apt-get install ${missing[*]}" >&2
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    as_root apt-get update -qq
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Installs the Debian packages the build and the test backends need.
ensure_packages() {
  apt_install "${DEB_PACKAGES[@]}"
  echo "present: ${DEB_PACKAGES[*]}"
}
