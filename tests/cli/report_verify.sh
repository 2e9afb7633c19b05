# `planwatch report verify` checks a signed report file offline: the committed fixture verifies,
# and a copy with any one byte changed, a truncated copy or a file that is not JSON does not.
# The fixture is written by service_test (SigningStoreTest.SignedReportFixture) with
# PW_WRITE_FIXTURES=tests/cli/fixtures; that test also checks the committed one still verifies.
source "$(dirname "$0")/lib.sh"
fixture="$SRC/tests/cli/fixtures/signed-report.json"
[ -f "$fixture" ] || fail "missing fixture $fixture"
cd "$WORK"  # no database anywhere near: verification is offline

out=$("$PW" report verify "$fixture" 2>"$WORK/err") || fail "the fixture does not verify: $(cat "$WORK/err")"
expect_eq "$out" \
  "valid: report CHIENG-AN 202510 rev 2, signed by Nguyễn Thị Lan (lanh.dao) at 2025-11-18T09:30:00.000Z, key 1" \
  "summary"
expect_eq "$(cat "$WORK/err")" "" "stderr of a valid file"

# $1: file, $2: expected exit code, $3: what stderr must say after "planwatch: FILE: ".
expect_refused() {
  local code=0
  "$PW" report verify "$1" >"$WORK/out" 2>"$WORK/err" || code=$?
  [ "$code" -ne 0 ] || fail "$1 verified but must not"
  expect_eq "$code" "$2" "exit code for $1"
  [ ! -s "$WORK/out" ] || fail "$1: output on stdout: $(cat "$WORK/out")"
  grep -qF "planwatch: $1: $3" "$WORK/err" || fail "$1: stderr lacks '$3': $(cat "$WORK/err")"
}

# Every byte, changed: each copy must fail.
size=$(wc -c <"$fixture")
python3 - "$fixture" "$WORK/changed" <<'EOF'
import os, sys
data = open(sys.argv[1], 'rb').read()
os.makedirs(sys.argv[2])
for i in range(len(data)):
    changed = bytearray(data)
    changed[i] = ord('A') if data[i] != ord('A') else ord('B')
    open(os.path.join(sys.argv[2], str(i)), 'wb').write(changed)
EOF
# One run checks them all (the cost would otherwise be starting the binary 1000+ times): nothing
# may verify, and stderr must name every copy with a reason.
code=0
(cd "$WORK/changed" && "$PW" report verify $(seq 0 $((size - 1)))) \
  >"$WORK/batch.out" 2>"$WORK/batch.err" || code=$?
expect_eq "$code" 65 "exit code of the batch (its first copy's)"
[ ! -s "$WORK/batch.out" ] || fail "changed bytes still verify: $(head -c 300 "$WORK/batch.out")"
expect_eq "$(grep -cE '^planwatch: [0-9]+: .+' "$WORK/batch.err")" "$size" "copies refused with a reason"
expect_eq "$(sed -E 's/^planwatch: ([0-9]+): .*/\1/' "$WORK/batch.err" | sort -un | wc -l)" "$size" \
  "distinct copies named"

# Several files: each valid one is named on stdout, the exit code is the first failure's.
cp "$fixture" "$WORK/a.json"
out=$("$PW" report verify "$WORK/a.json" "$fixture" 2>"$WORK/err") || fail "two valid files: $(cat "$WORK/err")"
expect_eq "$(printf '%s\n' "$out" | grep -c ': valid: report CHIENG-AN 202510 rev 2')" 2 "two named summaries"
code=0
"$PW" report verify "$WORK/a.json" "$WORK/changed/0" "$WORK/nowhere.json" >"$WORK/out" 2>"$WORK/err" || code=$?
expect_eq "$code" 65 "exit code of valid + malformed + missing"
grep -qF "$WORK/a.json: valid: report" "$WORK/out" || fail "the valid file is not reported: $(cat "$WORK/out")"
expect_eq "$(wc -l <"$WORK/err")" 2 "one line per refused file"
grep -qF "planwatch: $WORK/nowhere.json: cannot read" "$WORK/err" || fail "missing file not named: $(cat "$WORK/err")"

# The reasons, named.
head -c $((size / 2)) "$fixture" >"$WORK/truncated.json"
expect_refused "$WORK/truncated.json" 65 "malformed signed report: the file is not JSON at line"
printf 'Báo cáo tháng 10\n' >"$WORK/text.json"
expect_refused "$WORK/text.json" 65 \
  "malformed signed report: the file is not JSON at line 1, column 1"
sed 's/\\"value\\":27/\\"value\\":28/' "$fixture" >"$WORK/tampered.json"
expect_eq "$(wc -c <"$WORK/tampered.json")" "$size" "tampered copy size"
expect_refused "$WORK/tampered.json" 78 "signature does not match the content"
sed 's/"signer_name": "Nguyễn Thị Lan"/"signer_name": "Lò Văn Minh"/' "$fixture" >"$WORK/renamed.json"
expect_refused "$WORK/renamed.json" 78 "signature does not match the content"
sed 's/"version": 1/"version": 2/' "$fixture" >"$WORK/v2.json"
expect_refused "$WORK/v2.json" 78 "unsupported version 2"
sed 's/"version": 1,/"version": 1, "note": "x",/' "$fixture" >"$WORK/extra.json"
expect_refused "$WORK/extra.json" 65 "malformed signed report: unknown field 'note'"
sed 's/^  "version": 1,$/  "version": 1,\n /' "$fixture" >"$WORK/layout.json"
expect_refused "$WORK/layout.json" 65 \
  "malformed signed report: the file differs from the layout planwatch writes at byte 58 (line 4, column 2)"
expect_refused "$WORK/missing.json" 66 "cannot read: No such file or directory"

# `report` alone asks for its subcommand.
code=0
"$PW" report >/dev/null 2>&1 || code=$?
[ "$code" -ne 0 ] || fail "'planwatch report' without a subcommand succeeded"
echo "report_verify: ok ($size single-byte changes refused)"
