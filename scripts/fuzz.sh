#!/usr/bin/env bash
# Runs every libFuzzer target built by the `fuzz` preset for $1 seconds each, starting from a copy
# of its seed corpus (new findings stay in build/fuzz/corpus; add crashers to fuzz/corpus/ by hand).
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in $(find "$root/build/fuzz/src" -type f -name '*_fuzz' -perm -u+x); do
  name=$(basename "$bin" _fuzz)
  work="$root/build/fuzz/corpus/$name"
  mkdir -p "$work"
  cp -n "$root/fuzz/corpus/$name/"* "$work/" 2>/dev/null || true
  echo "== $name: ${seconds}s"
  (cd "$root/build/fuzz" && "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 "$work") || status=1
done
exit $status
