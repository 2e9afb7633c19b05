#!/usr/bin/env bash
# Installs every Debian package that building, testing, running and benchmarking planwatch needs,
# and the npm packages of the web UI and of bench/compare. `--bench`: only what bench/compare adds.
# Idempotent: when everything is present it changes nothing and does not touch the network.
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build pkg-config ccache make
  libsqlite3-dev sqlite3
  libfmt-dev libcli11-dev nlohmann-json3-dev
  libboost-dev libsodium-dev libssl-dev openssl
  libxlsxwriter-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils unzip
  libzip-dev libexpat1-dev python3-openpyxl
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 curl wrk
  chromium
  postgresql-15 libpq-dev
)
# Node.js 20+ and npm build the web UI; a machine that already has them keeps its own.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# `make fuzz` needs a clang whose C++23 library support covers std::expected (clang 14 does not).
if [ "${1:-}" = "--fuzz" ]; then
  packages=(clang-16 libclang-rt-16-dev)
elif [ "${1:-}" = "--tidy" ]; then
  packages=(clang-tidy-16)
elif [ "${1:-}" = "--bench" ]; then
  # bench/compare's peers: a PostgreSQL 15 server it starts itself, and DuckDB through node.
  packages=(postgresql-15 libpq-dev)
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# bench/compare's DuckDB (@duckdb/node-api, bench/compare/package-lock.json): the quick form runs
# in `make test`, so the default install brings it too.
if [ -z "${1:-}" ] || [ "${1:-}" = "--bench" ]; then
  compare="$(dirname "$0")/../bench/compare"
  if [ ! -f "$compare/node_modules/.package-lock.json" ] ||
     [ "$compare/package-lock.json" -nt "$compare/node_modules/.package-lock.json" ]; then
    echo "Installing bench/compare's npm packages (npm ci)"
    (cd "$compare" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# The web UI's npm packages (web/package-lock.json), installed again only when the lock changed.
if [ -z "${1:-}" ]; then
  web="$(dirname "$0")/../web"
  if [ ! -f "$web/node_modules/.package-lock.json" ] ||
     [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
    echo "Installing the web UI's npm packages (npm ci)"
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
