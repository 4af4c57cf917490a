#!/usr/bin/env bash
# tributary set-up on Debian 12, as root (or with sudo available).
#
#   ./setup.sh run    install packages, build (release), run the daemon on
#                     config/tributary.example.toml (Ctrl-C stops it)
#   ./setup.sh test   install packages, build (asan preset), run every test
#   ./setup.sh deps   only install the packages
#   ./setup.sh build [PRESET]   only configure and build (default: release)
#
# Idempotent: packages already installed are not fetched again, and builds are
# incremental.
set -euo pipefail
cd "$(dirname "$0")"

# Build and runtime libraries, then what the test suites and benchmarks use.
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libcurl4-openssl-dev libpugixml-dev libsqlite3-dev sqlite3
  libboost1.81-dev libboost-url1.81-dev libboost-json1.81-dev
  libgumbo-dev libicu-dev libtomlplusplus-dev libcli11-dev libfmt-dev libexpected-dev
  libsystemd-dev libpsl-dev zlib1g-dev libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-feedparser python3-jsonschema nginx-light sfeed newsboat jing
  clang libclang-rt-14-dev curl wrk hyperfine time
  systemd-container debootstrap bc zstd dpkg-dev
)

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  local preset=${1:-release}
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
}

case "${1:-}" in
  deps) install_packages ;;
  build) install_packages; build "${2:-release}" ;;
  run)
    install_packages
    build release
    exec build/release/daemon/tributary run --config config/tributary.example.toml
    ;;
  test)
    install_packages
    build asan
    ctest --preset asan
    ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
