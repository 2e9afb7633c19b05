"""Workbooks in the import format through the HTTP API: export records as XLSX, edit them in a
spreadsheet program (here openpyxl), import them back — exactly the edited fields change — and
the errors, templates and malformed uploads around that.

The fixture's root province P is administered by admin_p, who may import and export records.
"""

import io
import unittest
import zipfile

import openpyxl

import harness

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TASK_HEADERS = ["Mã kế hoạch", "Mã", "Mã nhóm", "Tên", "Tên tiếng Anh", "Mô tả", "Mã nhiệm vụ cha",
                "Đơn vị chủ trì", "Đơn vị phối hợp", "Loại", "Ngày giao", "Ngày bắt đầu",
                "Thời hạn", "Kỳ báo cáo", "Sản phẩm", "Ưu tiên", "Mã chỉ tiêu", "Mật"]

_fixture = None


def setUpModule():
    global _fixture
    _fixture = harness.Fixture()


def tearDownModule():
    global _fixture
    f, _fixture = _fixture, None
    if f is not None:
        f.close()


def workbook_bytes(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class XlsxRoundTripTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = _fixture
        cls.admin = cls.f.client("admin_p")

    def export(self, query="kinds=tasks"):
        r = self.admin.get(f"/api/v1/exports/records.xlsx?{query}")
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(r.header("Content-Type"), XLSX)
        self.assertRegex(r.header("Content-Disposition"),
                         r'^attachment; filename="planwatch-[a-z-]+-\d{4}-\d\d-\d\d\.xlsx"$')
        return r.body

    def upload(self, data, path="/api/v1/imports/tasks", dry_run=False, content_type=XLSX):
        query = "?dry_run=true" if dry_run else ""
        return self.admin.raw("POST", path + query, data, {"Content-Type": content_type})

    def tasks(self):
        """Every task of the fixture as GET /api/v1/tasks/{id} shows it, by (plan, code)."""
        out = {}
        for key, task_id in sorted(self.f.task.items()):
            for login in ("admin_p", "admin_q"):
                r = self.f.client(login).get(f"/api/v1/tasks/{task_id}", check=False)
                if r.status == 200:
                    out[key] = r.json()
                    break
        return out

    def sheet_rows(self, sheet):
        """The data rows of an exported sheet as {(plan, code): row number}."""
        return {(sheet.cell(row, 1).value, sheet.cell(row, 2).value): row
                for row in range(3, sheet.max_row + 1) if sheet.cell(row, 1).value}

    def test_exported_sheet_is_laid_out_for_people(self):
        book = openpyxl.load_workbook(io.BytesIO(self.export()))
        self.assertEqual(book.sheetnames, ["Nhiệm vụ"])
        sheet = book["Nhiệm vụ"]
        self.assertRegex(sheet.cell(1, 1).value, r"^Nhiệm vụ — xuất ngày \d\d/\d\d/\d{4}$")
        self.assertEqual([sheet.cell(2, c).value for c in range(1, 19)], TASK_HEADERS)
        self.assertEqual(sheet.freeze_panes, "A3")
        self.assertTrue(sheet.auto_filter.ref.startswith("A2:R"))
        row = self.sheet_rows(sheet)[("PL", "T-P")]
        self.assertEqual(sheet.cell(row, 13).value.date().isoformat(), "2025-06-30")  # a real date
        self.assertEqual(sheet.cell(row, 13).number_format, "dd/mm/yyyy")
        self.assertEqual(sheet.cell(row, 16).value, 1)  # priority, a number
        self.assertEqual(sheet.cell(row, 18).value, "không")
        self.assertIn("Bắt buộc", sheet.cell(2, 8).comment.text)
        kinds = [v for v in sheet.data_validations.dataValidation if "J3" in str(v.sqref)]
        self.assertEqual([v.formula1 for v in kinds], ['"deadline,recurring"'])

    def test_edited_cells_are_exactly_what_changes(self):
        before_tasks = self.tasks()
        book = openpyxl.load_workbook(io.BytesIO(self.export()))
        sheet = book["Nhiệm vụ"]
        rows = self.sheet_rows(sheet)
        edits = {("PL", "T-D"): (4, "Tên", "Xây dựng nền tảng dữ liệu dùng chung",
                                 "title_vi"),
                 ("PL", "T-C1"): (15, "Sản phẩm", "Kho hồ sơ số của xã", "expected_output"),
                 ("PL", "T-V1"): (5, "Tên tiếng Anh", "Coverage of hamlet One", "title_en")}
        expected_changes = []
        for key, (column, header, value, field) in edits.items():
            cell = sheet.cell(rows[key], column)
            expected_changes.append({
                "kind": "tasks", "sheet": "Nhiệm vụ", "line": rows[key],
                "key": f"{key[0]}/{key[1]}", "action": "update",
                "fields": [{"column": header, "before": cell.value or "", "after": value}]})
            cell.value = value
        expected_changes.sort(key=lambda c: c["line"])
        edited = workbook_bytes(book)

        fingerprint = self.f.fingerprint()
        checked = self.upload(edited, dry_run=True)
        self.assertEqual(checked.status, 200, checked.body[:500])
        self.assertEqual(checked.json()["changes"], expected_changes)
        self.assertEqual(checked.json()["updated"], 3)
        self.assertEqual(self.f.fingerprint(), fingerprint)

        done = self.upload(edited)
        self.assertEqual(done.status, 200, done.body[:500])
        result = done.json()
        self.assertEqual(result["changes"], expected_changes)
        self.assertEqual(result["changes_total"], 3)
        self.assertEqual((result["kinds"], result["updated"], result["inserted"]),
                         (["tasks"], 3, 0))
        self.assertEqual(result["unchanged"], result["rows"] - 3)

        after_tasks = self.tasks()
        self.assertEqual(sorted(after_tasks), sorted(before_tasks))
        for key, before in before_tasks.items():
            after = after_tasks[key]
            differing = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
            differing -= {"version", "updated_at", "etag"}
            if key in edits:
                _, _, value, field = edits[key]
                self.assertEqual(differing, {field}, key)
                self.assertEqual(after[field], value)
            else:
                self.assertEqual(differing, set(), key)

        again = self.upload(edited)
        self.assertEqual((again.json()["updated"], again.json()["changes"]), (0, []))

    def test_bad_cells_are_named_by_sheet_row_header_and_cell(self):
        book = openpyxl.load_workbook(io.BytesIO(self.export()))
        sheet = book["Nhiệm vụ"]
        rows = self.sheet_rows(sheet)
        bad_date, bad_unit = rows[("PL", "T-D")], rows[("PL", "T-C1")]
        sheet.cell(bad_date, 13).value = "31/02/2025"
        sheet.cell(bad_unit, 8).value = "ZZZ-KHONG-CO"
        sheet.cell(bad_unit, 4).value = "Tên mới không được ghi"
        fingerprint = self.f.fingerprint()
        r = self.upload(workbook_bytes(book))
        self.assertEqual(r.status, 422, r.body[:500])
        problem = r.json()
        self.assertEqual(problem["type"], "urn:planwatch:problem:validation")
        errors = sorted((e["sheet"], e["line"], e["field"], e["message"]) for e in problem["errors"])
        self.assertEqual(errors, sorted([
            ("Nhiệm vụ", bad_date, "Thời hạn",
             f"M{bad_date}: '31/02/2025' is not a date (YYYY-MM-DD or dd/mm/yyyy)"),
            ("Nhiệm vụ", bad_unit, "Đơn vị chủ trì", f"H{bad_unit}: unknown unit 'ZZZ-KHONG-CO'"),
        ]))
        self.assertEqual(self.f.fingerprint(), fingerprint)

        vi = harness.Client(self.f.port, lang="vi")
        vi.cookie, vi.csrf = self.admin.cookie, self.admin.csrf
        r = vi.raw("POST", "/api/v1/imports/tasks", workbook_bytes(book), {"Content-Type": XLSX})
        self.assertEqual(r.status, 422)
        first = sorted(r.json()["errors"], key=lambda e: e["line"])[0]
        self.assertEqual(first["sheet"], "Nhiệm vụ")
        self.assertTrue(first["detail_en"].startswith(f"M{bad_date}: "), first)

    def test_a_workbook_of_several_kinds_goes_to_imports_without_a_kind(self):
        data = self.export("kinds=tasks,task-groups")
        book = openpyxl.load_workbook(io.BytesIO(data))
        self.assertEqual(book.sheetnames, ["Nhiệm vụ", "Nhóm nhiệm vụ"])
        fingerprint = self.f.fingerprint()
        r = self.upload(data, path="/api/v1/imports", dry_run=True)
        self.assertEqual(r.status, 200, r.body[:500])
        self.assertEqual(r.json()["kinds"], ["task-groups", "tasks"])
        self.assertEqual((r.json()["inserted"], r.json()["updated"], r.json()["changes"]),
                         (0, 0, []))
        self.assertEqual(self.f.fingerprint(), fingerprint)
        csv = self.upload(b"code,name_vi,type\r\n", path="/api/v1/imports",
                          content_type="text/csv")
        self.assertEqual(csv.status, 415)

    def test_records_csv_is_the_cli_export(self):
        r = self.admin.get("/api/v1/exports/records.csv?kind=task-groups")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbfplan_code,code,title_vi,title_en,order,"
                                          b"parent_code\r\n"), r.body[:120])
        fingerprint = self.f.fingerprint()
        back = self.upload(r.body, path="/api/v1/imports/task-groups", content_type="text/csv")
        self.assertEqual((back.status, back.json()["changes"]), (200, []))
        self.assertEqual(self.f.fingerprint(), fingerprint)

    def test_exports_of_records_are_for_importers_only(self):
        for login in ("admin_c1", "agency_d", "viewer_p"):
            for path in ("/api/v1/exports/records.xlsx?kinds=tasks",
                         "/api/v1/exports/records.csv?kind=tasks"):
                self.assertEqual(self.f.client(login).get(path).status, 403, (login, path))

    def test_templates_open_with_the_headers(self):
        viewer = self.f.client("viewer_c1")
        r = viewer.get("/api/v1/imports/tasks/template.xlsx")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Disposition"),
                         'attachment; filename="planwatch-template-tasks.xlsx"')
        book = openpyxl.load_workbook(io.BytesIO(r.body))
        self.assertEqual(book.sheetnames, ["Nhiệm vụ", "Hướng dẫn"])
        self.assertEqual([book["Nhiệm vụ"].cell(2, c).value for c in range(1, 19)], TASK_HEADERS)
        guide = book["Hướng dẫn"]
        self.assertEqual([guide.cell(3, c).value for c in range(1, 4)],
                         ["Mã kế hoạch", "plan_code", "có"])
        csv = viewer.get("/api/v1/imports/data-values/template.csv")
        self.assertEqual(csv.status, 200)
        self.assertEqual(csv.body.decode("utf-8"),
                         "\ufeffMã chỉ tiêu,Mã đơn vị,Kỳ,Giá trị,Ghi chú,Trạng thái,Người nhập\r\n")
        self.assertEqual(viewer.get("/api/v1/imports/nothing/template.xlsx").status, 404)

    def test_malformed_uploads_are_400_and_write_nothing(self):
        data = self.export()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = {name: z.read(name) for name in z.namelist()}
        sheet_part = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
        hostile = io.BytesIO()
        with zipfile.ZipFile(hostile, "w") as z:
            for name, content in parts.items():
                if name == sheet_part:
                    content = content.replace(
                        b"<worksheet", b'<!DOCTYPE x [<!ENTITY e "boom">]><worksheet', 1)
                z.writestr(name, content)
        fingerprint = self.f.fingerprint()
        for label, body in (("truncated", data[: len(data) // 2]),
                            ("not a zip", b"this is not a workbook"),
                            ("a DOCTYPE", hostile.getvalue())):
            r = self.upload(body)
            self.assertEqual(r.status, 400, (label, r.body[:300]))
            self.assertEqual(r.header("Content-Type").split(";")[0], "application/problem+json")
            self.assertIn("not a valid .xlsx", r.json()["detail"], label)
        self.assertEqual(self.f.fingerprint(), fingerprint)


if __name__ == "__main__":
    harness.main()
