# A CSV of 1,000 rows with 3 bad ones imports nothing and names the 3 rows.
source "$(dirname "$0")/lib.sh"
db="$WORK/p.db"
"$PW" init --db "$db" >/dev/null
cat >"$WORK/units.csv" <<'CSV'
code,name_vi,type,parent_code
P,Tỉnh Thử,province,
CSV
for i in $(seq 1 20); do echo "C$i,Xã $i,commune,P" >>"$WORK/units.csv"; done
"$PW" import --db "$db" --kind units "$WORK/units.csv" >/dev/null
printf 'code,name_vi,period_type,time_aggregation\nX,Chỉ tiêu X,monthly,sum\n' >"$WORK/ind.csv"
"$PW" import --db "$db" --kind indicators "$WORK/ind.csv" >/dev/null

{
  echo "indicator_code,unit_code,period,value"
  n=0
  for u in $(seq 1 20); do
    for y in 2021 2022 2023 2024 2025; do
      for m in 01 02 03 04 05 06 07 08 09 10; do
        n=$((n + 1))
        case $n in
          100) echo "X,C$u,${y}13,5" ;;        # line 101: month 13
          500) echo "X,C$u,$y$m,12,5" ;;       # line 501: a decimal comma splits the row
          900) echo "X,NOPE,$y$m,7" ;;         # line 901: unknown unit
          *) echo "X,C$u,$y$m,$n" ;;
        esac
      done
    done
  done
} >"$WORK/values.csv"
expect_eq "$(($(wc -l <"$WORK/values.csv") - 1))" 1000 "data rows"

set +e
"$PW" import --db "$db" --kind data-values "$WORK/values.csv" >"$WORK/out" 2>"$WORK/err"
code=$?
set -e
expect_eq "$code" 65 "exit code"
grep -q "3 of 1000 rows have errors; nothing was imported" "$WORK/err" || fail "summary: $(cat "$WORK/err")"
grep -q "line 101, column 'period'" "$WORK/err" || fail "line 101 not named"
grep -q "line 501" "$WORK/err" || fail "line 501 not named"
grep -q "line 901, column 'unit_code'.*NOPE" "$WORK/err" || fail "line 901 not named"
expect_eq "$(grep -c '^  line' "$WORK/err")" 3 "error lines"
expect_eq "$("$PW" export --db "$db" --kind data-values | wc -l)" 1 "rows after a failed import"

# The same file without the bad rows imports completely.
sed -e '101d;501d;901d' "$WORK/values.csv" >"$WORK/good.csv"
"$PW" import --db "$db" --kind data-values "$WORK/good.csv" | grep -q "997 new" || fail "good import"
expect_eq "$("$PW" export --db "$db" --kind data-values | wc -l)" 998 "rows after a good import"
echo "import all-or-nothing: ok"
