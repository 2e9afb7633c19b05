#!/usr/bin/env bash
# Load on the HTTP API: requests per second and latency percentiles of
# GET /api/v1/analytics/tasks under wrk on loopback, against a copy of the demo database, signed
# in with an API token (the full path: authentication, authorization, store reads, rules, JSON).
# Usage: bench/api_load.sh PLANWATCH_BINARY [SECONDS] [CONNECTIONS]
set -euo pipefail
planwatch=$1
seconds=${2:-10}
connections=${3:-16}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/bench"
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$planwatch" init --db "$work/demo.db" --demo >/dev/null
printf 'planwatch-bench\n' | "$planwatch" user add --db "$work/demo.db" --login bench \
  --role steering --unit SL >/dev/null
"$planwatch" serve --db "$work/demo.db" --port 0 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q 'serving' "$work/serve.log" && break; sleep 0.05; done
base=$(sed -n 's/.* on \(http:[^ ]*\).*/\1/p' "$work/serve.log" | head -1)

curl -sf -c "$work/jar" -H 'Content-Type: application/json' \
  -d '{"login":"bench","password":"planwatch-bench"}' "$base/api/v1/session" >"$work/session.json"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/session.json")
token=$(curl -sf -b "$work/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$base/api/v1/tokens" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

url="$base/api/v1/analytics/tasks?plan=333-KH/TU&as_of=2025-12-31&group_by=group"
curl -sf -H "Authorization: Bearer $token" "$url" >/dev/null
echo "wrk -t2 -c$connections -d${seconds}s --latency GET $url"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$url" |
  tee "$out/api_load.txt"
python3 - "$out/api_load.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
p99 = re.search(r"\s99%\s+([\d.]+\w+)", text).group(1)
p50 = re.search(r"\s50%\s+([\d.]+\w+)", text).group(1)
print(f"\nGET /api/v1/analytics/tasks (plan by task group): {float(rps):.0f} requests/s, "
      f"p50 {p50}, p99 {p99}")
PY
kill -TERM "$server"
wait "$server"
