# `planwatch generate` is deterministic: the same seed gives the same exports of every kind, another
# seed gives other data, and an existing file is never overwritten.
source "$(dirname "$0")/lib.sh"
KINDS="units directives plans task-groups indicators targets tasks task-updates data-values"
"$PW" generate --db "$WORK/a.db" --scale province --seed 7 >"$WORK/a.out"
"$PW" generate --db "$WORK/b.db" --scale province --seed 7 >"$WORK/b.out"
"$PW" generate --db "$WORK/c.db" --scale province --seed 8 >/dev/null
grep -q "^generated $WORK/a.db (scale province, seed 7): " "$WORK/a.out" ||
  fail "summary line: $(cat "$WORK/a.out")"
expect_eq "$(wc -l <"$WORK/a.out")" 1 "lines printed"
for kind in $KINDS; do
  "$PW" export --db "$WORK/a.db" --kind "$kind" --out "$WORK/a.$kind.csv"
  "$PW" export --db "$WORK/b.db" --kind "$kind" --out "$WORK/b.$kind.csv"
  "$PW" export --db "$WORK/c.db" --kind "$kind" --out "$WORK/c.$kind.csv"
  [ "$(wc -l <"$WORK/a.$kind.csv")" -gt 1 ] || fail "$kind export is empty"
  cmp -s "$WORK/a.$kind.csv" "$WORK/b.$kind.csv" || fail "$kind differs for the same seed"
done
cmp -s "$WORK/a.data-values.csv" "$WORK/c.data-values.csv" && fail "data values equal for seeds 7 and 8"
cmp -s "$WORK/a.tasks.csv" "$WORK/c.tasks.csv" && fail "tasks equal for seeds 7 and 8"
# 75 communes and wards in the province scale.
expect_eq "$(grep -cE ',(commune|ward),' "$WORK/a.units.csv")" 75 "communes and wards"
# The database answers like any other.
"$PW" status --db "$WORK/a.db" --plan KH-P01-57 --as-of 2026-12-31 --json >"$WORK/status.json"
[ "$(json_field total <"$WORK/status.json")" -gt 0 ] || fail "status of the generated plan"
# A second run on an existing file fails with a clear error and leaves the file alone.
before=$(cksum <"$WORK/a.db")
if "$PW" generate --db "$WORK/a.db" --scale province 2>"$WORK/err" >/dev/null; then
  fail "generate overwrote an existing database"
fi
grep -q "already exists" "$WORK/err" || fail "unclear error: $(cat "$WORK/err")"
expect_eq "$(cksum <"$WORK/a.db")" "$before" "the existing database"
# A bad scale is refused before anything is created.
if "$PW" generate --db "$WORK/d.db" --scale country 2>"$WORK/err"; then fail "accepted scale country"; fi
grep -q "country" "$WORK/err" || fail "the error does not name the bad scale"
[ ! -e "$WORK/d.db" ] || fail "a refused run left a file"
echo "generate: ok"
