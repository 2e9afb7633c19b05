# Workbooks and dataValueSets through the CLI: an XLSX export imports into another database and
# back unchanged, a dry run lists what would change, templates come out in both formats, and a
# DHIS2 dataValueSet goes through the bulk ingest.
source "$(dirname "$0")/lib.sh"
"$PW" init --db "$WORK/a.db" --demo --demo-dir "$SRC/data/demo" >/dev/null
"$PW" init --db "$WORK/b.db" >/dev/null

# Units and directives as workbooks, into an empty database (the sheet names the kind).
for kind in units directives; do
  "$PW" export --db "$WORK/a.db" --kind "$kind" --format xlsx --out "$WORK/$kind.xlsx"
  expect_eq "$(head -c 2 "$WORK/$kind.xlsx")" "PK" "$kind.xlsx is a zip"
  out=$("$PW" import --db "$WORK/b.db" "$WORK/$kind.xlsx")
  n=$(($(wc -l <"$SRC/data/demo/$kind.csv") - 1))
  expect_eq "$out" "imported $n rows of $kind: $n new, 0 updated, 0 unchanged" "import of $kind.xlsx"
done
units=$(($(wc -l <"$SRC/data/demo/units.csv") - 1))
out=$("$PW" import --db "$WORK/b.db" --kind units "$WORK/units.xlsx")
expect_eq "$out" "imported $units rows of units: 0 new, 0 updated, $units unchanged" "re-import"

# A dry run lists the changes (columns the file lacks are cleared) and writes nothing.
printf 'code,name_vi,type,parent_code\nSL,Tỉnh Sơn La (mới),province,VN\nSL-X,Sở Thử,department,SL\n' \
  >"$WORK/units.csv"
out=$("$PW" import --db "$WORK/b.db" --kind units --dry-run "$WORK/units.csv")
expected='would import 2 rows of units: 1 new, 1 updated, 0 unchanged
  update units SL (line 2)
    name_vi: "Tỉnh Sơn La" -> "Tỉnh Sơn La (mới)"
    name_en: "Son La Province" -> ""
    leader_name: "Lò Văn Mạnh" -> ""
    leader_title: "Chủ tịch Ủy ban nhân dân tỉnh" -> ""
  insert units SL-X (line 3)
    code: "" -> "SL-X"
    name_vi: "" -> "Sở Thử"
    type: "" -> "department"
    parent_code: "" -> "SL"'
expect_eq "$out" "$expected" "dry run"
"$PW" export --db "$WORK/b.db" --kind units --out "$WORK/units.after.csv"
grep -q "^SL,Tỉnh Sơn La,Son La Province," "$WORK/units.after.csv" || fail "the dry run wrote"

# A CSV needs its kind.
if "$PW" import --db "$WORK/b.db" "$WORK/units.csv" 2>"$WORK/err"; then fail "no --kind accepted"; fi
grep -q "name the kind" "$WORK/err" || fail "no --kind: $(cat "$WORK/err")"

# Templates.
"$PW" export --template --kind tasks --format xlsx --out "$WORK/tasks-template.xlsx"
expect_eq "$(head -c 2 "$WORK/tasks-template.xlsx")" "PK" "the xlsx template is a zip"
expect_eq "$("$PW" export --template --kind targets --format csv)" \
  $'\xEF\xBB\xBFMã chỉ tiêu,Mã đơn vị,Ngày,Giá trị\r' "the csv template"

# A DHIS2 dataValueSet of data values, checked and then written.
cat >"$WORK/values.json" <<'JSON'
{"dataSet": "NQ57", "dataValues": [
  {"dataElement": "OPEN_DATASETS", "period": "202601", "orgUnit": "SL-SKHCN", "value": "512"}]}
JSON
out=$("$PW" import --db "$WORK/a.db" --kind data-values --dry-run "$WORK/values.json")
expect_eq "$out" "would import 1 data values" "dataValueSet dry run"
out=$("$PW" import --db "$WORK/a.db" --kind data-values "$WORK/values.json")
expect_eq "$out" "imported 1 data values" "dataValueSet import"
"$PW" export --db "$WORK/a.db" --kind data-values --out "$WORK/values.csv"
grep -q "^OPEN_DATASETS,SL-SKHCN,202601,512,,approved,import" "$WORK/values.csv" ||
  fail "the dataValueSet's value is not stored"
echo "import xlsx: ok"
