#!/usr/bin/env bash
# Installs every Debian package that building, testing and running planwatch needs.
# Idempotent: when everything is present it changes nothing and does not touch the network.
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build pkg-config ccache make
  libsqlite3-dev sqlite3
  libfmt-dev libcli11-dev nlohmann-json3-dev
  libboost-dev libsodium-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 curl wrk
)
# `make fuzz` needs a clang whose C++23 library support covers std::expected (clang 14 does not).
if [ "${1:-}" = "--fuzz" ]; then
  packages=(clang-16 libclang-rt-16-dev)
elif [ "${1:-}" = "--tidy" ]; then
  packages=(clang-tidy-16)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
