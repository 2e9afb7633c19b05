# Users are added and reset from the command line; the password comes only from standard input
# and never reaches the database file.
source "$(dirname "$0")/lib.sh"
db="$WORK/u.db"
pw='correct horse battery staple'
"$PW" init --db "$db" >/dev/null
printf 'code,name_vi,type,parent_code\nP,Tỉnh Thử,province,\nD,Sở Thử,department,P\n' >"$WORK/units.csv"
"$PW" import --db "$db" --kind units "$WORK/units.csv" >/dev/null

out=$(printf '%s\n' "$pw" | "$PW" user add --db "$db" --login lan@sl --role standing_agency \
  --unit D --name "Nguyễn Thị Lan")
grep -q "added user lan@sl" <<<"$out" || fail "add: $out"
printf '%s\n' "$pw" | "$PW" user add --db "$db" --login admin --role admin --unit P >/dev/null

json=$("$PW" user list --db "$db" --format json)
expect_eq "$(grep -c '"login"' <<<"$json")" 2 "users listed"
grep -q '"login": "lan@sl"' <<<"$json" || fail "lan@sl not listed: $json"
grep -q '"role": "standing_agency"' <<<"$json" || fail "role not listed: $json"
grep -q '"unit": "D"' <<<"$json" || fail "unit not listed: $json"
grep -q '"disabled": false' <<<"$json" || fail "disabled not listed: $json"
if grep -q 'hash\|argon' <<<"$json"; then fail "the list shows a password hash"; fi

# The text table: a header and one aligned row per user.
"$PW" user list --db "$db" >"$WORK/table"
expect_eq "$(wc -l <"$WORK/table")" 3 "table lines"
head -1 "$WORK/table" | grep -qE '^ *id +login +role +unit +disabled +created_at$' ||
  fail "table header: $(head -1 "$WORK/table")"
expect_eq "$(awk '{ print index($0, "role") }' "$WORK/table" | head -1)" \
  "$(awk 'NR == 2 { print index($0, "standing_agency") }' "$WORK/table")" "role column aligned"

# Only an Argon2id hash is stored; the password appears nowhere in the files.
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")" \
  2 "argon2id hashes"
for f in "$db" "$db-wal"; do
  [ -e "$f" ] || continue
  if grep -aq "$pw" "$f"; then fail "the password is in $f"; fi
done

# Bad input: a clear error naming what is wrong, the documented exit code, nothing written.
set +e
printf '%s\n' "$pw" | "$PW" user add --db "$db" --login lan@sl --role viewer --unit P 2>"$WORK/err"
code=$?
set -e
expect_eq "$code" 65 "exit code for a taken login"
grep -q "lan@sl" "$WORK/err" || fail "the error does not name the taken login: $(cat "$WORK/err")"

set +e
printf 'short\n' | "$PW" user add --db "$db" --login new.one --role viewer --unit P 2>"$WORK/err"
code=$?
set -e
expect_eq "$code" 65 "exit code for a short password"
grep -q "password" "$WORK/err" || fail "the error does not name the password"
if grep -q "short" "$WORK/err"; then fail "the error echoes the password"; fi

set +e
printf '%s\n' "$pw" | "$PW" user add --db "$db" --login new.one --role viewer --unit NOPE \
  2>"$WORK/err"
code=$?
set -e
expect_eq "$code" 66 "exit code for an unknown unit"
grep -q "NOPE" "$WORK/err" || fail "the error does not name the unknown unit"

set +e
printf '%s\n' "$pw" | "$PW" user add --db "$db" --login new.one --role boss --unit P 2>"$WORK/err"
code=$?
set -e
expect_eq "$code" 65 "exit code for an unknown role"
grep -q "boss" "$WORK/err" || fail "the error does not name the unknown role"

set +e
"$PW" user add --db "$db" --login new.one --role viewer --unit P </dev/null 2>"$WORK/err"
code=$?
set -e
expect_eq "$code" 65 "exit code without a password"
if "$PW" user add --db "$db" --login new.one --role viewer --unit P --password "$pw" \
  </dev/null 2>/dev/null; then
  fail "accepted a password argument"
fi
expect_eq "$("$PW" user list --db "$db" --format json | grep -c '"login"')" 2 "users after errors"

# Reset: a new hash; an unknown login is not_found.
before=$(sqlite3 "$db" "SELECT password_hash FROM users WHERE login = 'lan@sl'")
printf 'another long password\n' | "$PW" user reset --db "$db" --login lan@sl >/dev/null
after=$(sqlite3 "$db" "SELECT password_hash FROM users WHERE login = 'lan@sl'")
[ "$before" != "$after" ] || fail "reset left the hash unchanged"
set +e
printf 'another long password\n' | "$PW" user reset --db "$db" --login ghost 2>"$WORK/err"
code=$?
set -e
expect_eq "$code" 66 "exit code for an unknown login"
grep -q "ghost" "$WORK/err" || fail "the error does not name the unknown login"
echo "user admin: ok"
