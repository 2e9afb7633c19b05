#!/usr/bin/env bash
# Runs the benchmarks of the release build, each side by side with its peers, in one run.
#
#   scripts/bench.sh            bench/compare at national scale (the database is generated once
#                               into build/bench/national.db), then the task-status benchmark,
#                               the HTTP load test and the UI paint timings
#   scripts/bench.sh --quick    bench/compare only, province scale, few runs (the ctest
#                               bench.compare_quick; well under 2 minutes)
# Options: --compare BIN, --planwatch BIN (default: the release build), --out DIR (default
# build/bench); anything else is passed to compare (e.g. --runs 50).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
compare="$root/build/release/bench/compare"
planwatch="$root/build/release/src/planwatch/cli/planwatch"
out="$root/build/bench"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --compare) compare=$2; shift ;;
    --planwatch) planwatch=$2; shift ;;
    --out) out=$2; shift ;;
    *) extra+=("$1") ;;
  esac
  shift
done
mkdir -p "$out"

# PostgreSQL 15, libpq, node and @duckdb/node-api (idempotent: offline when all is present).
"$root/scripts/deps.sh" --bench

# The data: `planwatch generate` when the binary has it, else the demo province.
if [ "$quick" = 1 ]; then db="$out/province.db"; scale=province; else db="$out/national.db"; scale=national; fi
if [ ! -f "$db" ]; then
  if "$planwatch" --help 2>/dev/null | grep -q '^ *generate '; then
    echo "generating the $scale database into $db (once; reused by later runs)"
    "$planwatch" generate --db "$db.tmp" --scale "$scale"
  else
    echo "this planwatch has no 'generate': using the demo province ($db)"
    "$planwatch" init --db "$db.tmp" --demo >/dev/null
  fi
  for suffix in "" -wal -shm; do [ -e "$db.tmp$suffix" ] && mv "$db.tmp$suffix" "$db$suffix"; done
fi

args=(--db "$db" --out "$out" --planwatch "$planwatch")
[ "$quick" = 1 ] && args+=(--quick)
"$compare" "${args[@]}" "${extra[@]}"
[ "$quick" = 1 ] && exit 0

echo
"$root/build/release/bench/status_benchmark" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_out="$out/status.json" \
  --benchmark_out_format=json
python3 - "$out/status.json" <<'PY' 2>/dev/null || awk '1' /dev/null
import json, sys
runs = {b["run_name"]: b["real_time"] for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("aggregate_name") == "median"}
print("\nmedian, planwatch / SQLite (below 1 is faster):")
for case in ("Plan", "Subtree"):
    p, s = runs.get(f"BM_Planwatch_{case}"), runs.get(f"BM_Sqlite_{case}")
    if p and s:
        print(f"  task-status summary, {case.lower():8} {p:9.2f} ms vs {s:9.2f} ms  ratio {p / s:.3f}")
PY

echo
"$root/bench/api_load.sh" "$planwatch" 10 16

echo
PW_BINARY="$planwatch" node "$root/bench/ui_paint.mjs" "$root/build/release/web/dist" 15
