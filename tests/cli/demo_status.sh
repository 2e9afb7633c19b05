# The demo reproduces the seeds' figures: 124 of 169 tasks done by 31 Dec 2025 (73.3%).
source "$(dirname "$0")/lib.sh"
"$PW" init --db "$WORK/demo.db" --demo --demo-dir "$SRC/data/demo" >/dev/null
out=$("$PW" status --db "$WORK/demo.db" --plan 333-KH/TU --as-of 2025-12-31 --json)
expect_eq "$(json_field total <<<"$out")" 169 "total tasks"
expect_eq "$(json_field done <<<"$out")" 124 "done tasks"
expect_eq "$(json_field completion_rate <<<"$out")" 73.3 "completion rate"
expect_eq "$(json_field plan <<<"$out")" "333-KH/TU" "plan"
expect_eq "$(json_field as_of <<<"$out")" "2025-12-31" "as_of"
# The claimed view counts completions not yet verified, so it can only be higher.
claimed=$("$PW" status --db "$WORK/demo.db" --plan 333-KH/TU --as-of 2025-12-31 --claimed --json)
[ "$(json_field done <<<"$claimed")" -ge 124 ] || fail "claimed view below verified view"
# A second init refuses to overwrite.
if "$PW" init --db "$WORK/demo.db" 2>/dev/null; then fail "init overwrote a database"; fi
# Bad input gets a clear error and a non-zero exit.
if "$PW" status --db "$WORK/demo.db" --plan 333-KH/TU --as-of 2025-13-01 2>"$WORK/err"; then
  fail "accepted a bad date"
fi
grep -q "2025-13-01" "$WORK/err" || fail "the error does not name the bad date"
if "$PW" status --db "$WORK/demo.db" --plan NOPE --as-of 2025-12-31 2>"$WORK/err"; then
  fail "accepted an unknown plan"
fi
grep -q "NOPE" "$WORK/err" || fail "the error does not name the unknown plan"
echo "demo status: ok"
