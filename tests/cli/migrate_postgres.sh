# `planwatch migrate` copies the demo into PostgreSQL and verifies it; the copy answers as the
# file does. $3 is the file holding the test cluster's URL (ctest's postgres fixture).
source "$(dirname "$0")/lib.sh"
CLUSTER=$(cat "$3")
BASE=${CLUSTER%/*}
DB=pw_migrate_$$_$RANDOM
WRONG=pw_migrate_collation_$$_$RANDOM
FRESH=pw_init_$$_$RANDOM
cleanup() {
  psql -X -q -d "$CLUSTER" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS $WRONG WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS $FRESH WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -X -q -d "$CLUSTER" -c "CREATE DATABASE $DB TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
TO="$BASE/$DB"
cd "$WORK"
"$PW" init --db "$WORK/demo.db" --demo --demo-dir "$SRC/data/demo" >/dev/null

"$PW" migrate --from "$WORK/demo.db" --to "$TO" >"$WORK/out"
grep -q "^verified: 8345 current values, every task and ledger entry" "$WORK/out" ||
  fail "migrate did not verify: $(cat "$WORK/out")"

# The copy has planner statistics from the start (without them another node's catch-up of new
# values reads the whole version table).
expect_eq "$(psql -X -At -d "$TO" -c "SELECT count(*) > 0 FROM pg_stats WHERE \
  tablename = 'data_value_versions' AND attname = 'sequence'")" "t" "statistics of the copy"

# The copy answers as the file does: the plan's status, the indicators, the audit chain.
for args in "status --plan 333-KH/TU --as-of 2025-12-31 --json" \
            "indicators --unit SL --periods 2024..2025 --json"; do
  # shellcheck disable=SC2086
  from_file=$("$PW" $args --db "$WORK/demo.db")
  [ -n "$from_file" ] || fail "no answer from the file to $args"
  # shellcheck disable=SC2086
  expect_eq "$("$PW" $args --db "$TO")" "$from_file" "$args"
done
"$PW" audit verify --db "$TO" >/dev/null 2>&1 || fail "the copied audit chain does not verify"

# New rows get new ids after the copied ones.
echo "mot-mat-khau-dai" | "$PW" user add --db "$TO" --login after.copy --role viewer --unit SL >/dev/null
"$PW" user list --db "$TO" | grep -q "after.copy" || fail "no user added after the copy"

# A second migrate into the same database is refused and changes nothing.
before=$(psql -X -At -d "$TO" -c "SELECT count(*) FROM data_values")
if "$PW" migrate --from "$WORK/demo.db" --to "$TO" 2>"$WORK/err"; then
  fail "migrated into a database that holds data"
fi
grep -q "already holds data" "$WORK/err" || fail "unclear refusal: $(cat "$WORK/err")"
expect_eq "$(psql -X -At -d "$TO" -c "SELECT count(*) FROM data_values")" "$before" "values"

# init refuses a database that holds one, and changes nothing.
if "$PW" init --db "$TO" --demo --demo-dir "$SRC/data/demo" 2>"$WORK/err"; then
  fail "init over a database that holds data"
fi
grep -q "already holds a planwatch database" "$WORK/err" || fail "unclear refusal: $(cat "$WORK/err")"
expect_eq "$(psql -X -At -d "$TO" -c "SELECT count(*) FROM data_values")" "$before" "values after init"

# A database that sorts text by a locale is refused, naming the collation.
psql -X -q -d "$CLUSTER" -c "CREATE DATABASE $WRONG TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" 2>/dev/null ||
  psql -X -q -d "$CLUSTER" -c "CREATE DATABASE $WRONG TEMPLATE template0 LC_COLLATE 'POSIX' LC_CTYPE 'POSIX'"
collation=$(psql -X -At -d "$CLUSTER" -c "SELECT datcollate FROM pg_database WHERE datname = '$WRONG'")
if [ "$collation" != "POSIX" ]; then
  if "$PW" migrate --from "$WORK/demo.db" --to "$BASE/$WRONG" 2>"$WORK/err"; then
    fail "migrated into a database with collation $collation"
  fi
  grep -q "LC_COLLATE 'C'" "$WORK/err" || fail "the refusal does not say what to do: $(cat "$WORK/err")"
fi

# A password in the URI is never printed.
if "$PW" migrate --from "$WORK/demo.db" --to "postgresql://pw:s3cret@127.0.0.1:1/x" >"$WORK/out" 2>&1; then
  fail "migrated to nowhere"
fi
if grep -q "s3cret" "$WORK/out"; then fail "the password was printed"; fi
# init makes an empty PostgreSQL database a planwatch one, once.
psql -X -q -d "$CLUSTER" -c "CREATE DATABASE $FRESH TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
"$PW" init --db "$BASE/$FRESH" --demo --demo-dir "$SRC/data/demo" >"$WORK/out" ||
  fail "init on an empty PostgreSQL database failed"
grep -q "^created .*$FRESH with the Son La demo" "$WORK/out" || fail "init said: $(cat "$WORK/out")"
expect_eq "$(psql -X -At -d "$BASE/$FRESH" -c "SELECT count(*) FROM data_values")" "8345" "demo values"
if "$PW" init --db "$BASE/$FRESH" 2>"$WORK/err"; then fail "a second init succeeded"; fi
echo "migrate to postgres: ok"
