# Shared by the CLI scenarios: $1 is the planwatch binary, $2 the source tree.
set -euo pipefail
PW=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" == "$2" ] || fail "$3: expected '$2', got '$1'"; }
# The value of a top-level number/string field in planwatch's JSON output.
json_field() { grep -E "^  \"$1\": " | head -1 | sed -E 's/^  "[^"]+": "?([^",]*)"?,?$/\1/'; }
