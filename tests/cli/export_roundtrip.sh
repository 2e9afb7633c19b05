# An export imports back unchanged: every kind of the demo, into a new database, exports the same.
source "$(dirname "$0")/lib.sh"
"$PW" init --db "$WORK/a.db" --demo --demo-dir "$SRC/data/demo" >/dev/null
"$PW" init --db "$WORK/b.db" >/dev/null
for kind in units directives plans task-groups indicators targets tasks task-updates data-values; do
  "$PW" export --db "$WORK/a.db" --kind "$kind" --out "$WORK/$kind.csv"
  "$PW" import --db "$WORK/b.db" --kind "$kind" "$WORK/$kind.csv" >/dev/null ||
    fail "re-import of $kind"
done
for kind in units directives plans task-groups indicators targets tasks task-updates data-values; do
  "$PW" export --db "$WORK/b.db" --kind "$kind" --out "$WORK/$kind.again.csv"
  cmp -s "$WORK/$kind.csv" "$WORK/$kind.again.csv" || fail "$kind differs after a round trip"
done
# Importing an export over the same database changes nothing.
out=$("$PW" import --db "$WORK/a.db" --kind tasks "$WORK/tasks.csv")
grep -q " 0 new, 0 updated" <<<"$out" || fail "re-import changed tasks: $out"
a=$("$PW" status --db "$WORK/a.db" --plan 333-KH/TU --as-of 2025-12-31 --json)
b=$("$PW" status --db "$WORK/b.db" --plan 333-KH/TU --as-of 2025-12-31 --json)
expect_eq "$b" "$a" "status after a round trip"
echo "export round trip: ok"
