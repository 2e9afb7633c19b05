# kill -9 of `planwatch import` in the middle of a large file leaves the database exactly as it
# was before the import.
source "$(dirname "$0")/lib.sh"
db="$WORK/k.db"
"$PW" init --db "$db" >/dev/null
{
  echo "code,name_vi,type,parent_code"
  echo "P,Tỉnh,province,"
  for i in $(seq 1 3000); do echo "V$i,Thôn $i,village,P"; done
} >"$WORK/units.csv"
"$PW" import --db "$db" --kind units "$WORK/units.csv" >/dev/null
printf 'code,name_vi,period_type,time_aggregation\nX,Chỉ tiêu X,monthly,sum\n' >"$WORK/ind.csv"
"$PW" import --db "$db" --kind indicators "$WORK/ind.csv" >/dev/null
printf 'indicator_code,unit_code,period,value\nX,P,202501,1\n' >"$WORK/one.csv"
"$PW" import --db "$db" --kind data-values "$WORK/one.csv" >/dev/null

awk 'BEGIN {
  print "indicator_code,unit_code,period,value";
  for (u = 1; u <= 3000; u++)
    for (y = 2020; y <= 2030; y++)
      for (m = 1; m <= 12; m++) printf "X,V%d,%d%02d,%d\n", u, y, m, u + m;
}' >"$WORK/big.csv"

snapshot() {
  for kind in units indicators data-values; do "$PW" export --db "$db" --kind "$kind"; done | sha256sum
}
before=$(snapshot)

"$PW" import --db "$db" --kind data-values "$WORK/big.csv" >"$WORK/out" 2>&1 &
pid=$!
# Wait until the import is writing (its uncommitted pages reach the write-ahead log), then kill.
killed=0
for _ in $(seq 1 600); do
  size=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
  if [ "$size" -gt 4000000 ]; then
    kill -9 "$pid"
    killed=1
    break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
wait "$pid" 2>/dev/null || true
[ "$killed" -eq 1 ] || fail "the import ended before it could be killed: $(cat "$WORK/out")"

after=$(snapshot)
expect_eq "$after" "$before" "database after kill -9"
expect_eq "$(sqlite3 "$db" 'PRAGMA integrity_check;')" ok "integrity"
# And the database still takes the import afterwards.
"$PW" import --db "$db" --kind data-values "$WORK/one.csv" | grep -q "1 unchanged" || fail "reuse"
echo "import kill -9: ok"
