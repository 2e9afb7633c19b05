#!/usr/bin/env bash
# clang-tidy over every source file (tests, benchmarks and fuzz targets excluded), two at a time.
# clang-tidy 16 knows C++23 as c++2b, and GCC 12's <expected> needs its concepts level.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
find src -name '*.cc' ! -name '*_test.cc' ! -name '*_fuzz.cc' -print0 |
  xargs -0 -n 4 -P 2 clang-tidy-16 -p "${BUILD_DIR:-build/debug}" --quiet \
    --extra-arg=-std=c++2b --extra-arg=-U__cpp_concepts --extra-arg=-D__cpp_concepts=202002L \
    --extra-arg=-Wno-unknown-warning-option
