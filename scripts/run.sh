#!/usr/bin/env bash
# make run: the demo database (created on first run, with a demo administrator), a summary of the
# demo plan, then the web UI and the API on http://localhost:$PORT until Ctrl-C.
set -euo pipefail
planwatch=$1
db=${DB:-demo.db}
port=${PORT:-8057}
bind=${BIND:-127.0.0.1}
as_of=${AS_OF:-2025-12-31}

[ -f "$db" ] || "$planwatch" init --db "$db" --demo
if ! "$planwatch" user list --db "$db" --format json | grep -q '"login": *"admin"'; then
  printf 'planwatch-demo\n' |
    "$planwatch" user add --db "$db" --login admin --role admin --unit VN --name "Demo administrator"
fi
"$planwatch" status --db "$db" --plan 333-KH/TU --as-of "$as_of" --group-by group
echo
echo "Open http://localhost:$port and sign in as admin / planwatch-demo (the demo's administrator)."
echo "The web UI: docs/web-ui.md; the API: docs/api.md."
exec "$planwatch" serve --db "$db" --bind "$bind" --port "$port"
