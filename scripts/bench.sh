#!/usr/bin/env bash
# Runs the benchmarks of the release build and prints planwatch's time as a ratio of its peer's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/bench"
mkdir -p "$out"
"$root/build/release/bench/status_benchmark" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_out="$out/status.json" \
  --benchmark_out_format=json "$@"
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
"$root/bench/api_load.sh" "$root/build/release/src/planwatch/cli/planwatch" 10 16

echo
PW_BINARY="$root/build/release/src/planwatch/cli/planwatch" \
  node "$root/bench/ui_paint.mjs" "$root/build/release/web/dist" 15
