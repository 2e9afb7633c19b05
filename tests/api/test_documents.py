"""The document exports through the HTTP API: the PDF summary (its text read back with
pdftotext) and the XLSX workbooks (read back with zipfile), their headers, who may have them, and
the problems for bad parameters.

Fixture plan PL (issued by province P, administered by D): six deadline tasks on 31/12/2025, one
of them (T-V1) verified done, so completion is 1 of 6 = 16.6% (truncated, never rounded up).
"""

import datetime
import io
import os
import subprocess
import tempfile
import unittest
import urllib.parse
import zipfile

import harness

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_fixture = None


def setUpModule():
    global _fixture
    _fixture = harness.Fixture()


def tearDownModule():
    global _fixture
    f, _fixture = _fixture, None
    if f is not None:
        f.close()


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")


def xlsx_parts(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()
                if name.endswith(".xml")}


def error_fields(r):
    return {e.get("field") for e in r.json().get("errors", [])}


def q(code):
    return urllib.parse.quote(code, safe="")


class PlanSummaryPdfTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = _fixture

    def test_summary_in_vietnamese(self):
        r = self.f.client("admin_p").ok(
            "GET", "/api/v1/exports/plan-summary.pdf?plan=PL&period=2025&lang=vi")
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        self.assertEqual(r.header("Content-Disposition"),
                         'attachment; filename="plan-summary-PL-2025.pdf"')
        self.assertTrue(r.body.startswith(b"%PDF-"))
        text = pdf_text(r.body)
        for expected in ("Tỷ lệ hoàn thành", "16,6%", "Đã xác minh 1/6 nhiệm vụ",
                         "Kế hoạch chuyển đổi số tỉnh P", "Số liệu đến ngày 31/12/2025",
                         "Phủ sóng thôn Một", "Trang 1/"):
            self.assertIn(expected, text)

    def test_language_follows_the_request_unless_asked(self):
        client = self.f.client("admin_p")
        english = pdf_text(client.ok("GET", "/api/v1/exports/plan-summary.pdf?plan=PL&period=2025",
                                     headers={"Accept-Language": "en"}).body)
        self.assertIn("Completion rate", english)
        self.assertIn("16.6%", english)
        asked = pdf_text(client.ok("GET", "/api/v1/exports/plan-summary.pdf?plan=PL&period=2025"
                                   "&lang=vi", headers={"Accept-Language": "en"}).body)
        self.assertIn("Tỷ lệ hoàn thành", asked)

    def test_outside_the_issuers_subtree_is_forbidden(self):
        r = self.f.client("viewer_c2").call("GET",
                                            "/api/v1/exports/plan-summary.pdf?plan=PL&period=2025")
        self.assertEqual(r.status, 403)
        self.assertEqual(self.f.anonymous().call(
            "GET", "/api/v1/exports/plan-summary.pdf?plan=PL&period=2025").status, 401)

    def test_bad_parameters_are_named(self):
        c = self.f.client("admin_p")
        cases = {
            "plan=PL&period=2025q3": "period",
            "plan=PL&period=2025&lang=fr": "lang",
            "period=2025": "plan",
            "plan=PL&period=2025&format=a3": "format",
        }
        for query, field in cases.items():
            with self.subTest(query=query):
                r = c.call("GET", "/api/v1/exports/plan-summary.pdf?" + query)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(error_fields(r), {field})
        r = c.call("GET", "/api/v1/exports/plan-summary.pdf?plan=NOPE&period=2025")
        self.assertEqual(r.status, 404)
        r = c.call("GET", "/api/v1/exports/plan-summary.pdf?plan=PL&period=2099")
        self.assertEqual(r.status, 400)


class WorkbookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = _fixture

    def tasks(self, login, as_of="2025-12-31"):
        r = self.f.client(login).ok("GET", f"/api/v1/exports/tasks.xlsx?plan=PL&as_of={as_of}")
        self.assertEqual(r.header("Content-Type"), XLSX)
        self.assertEqual(r.header("Content-Disposition"),
                         f'attachment; filename="tasks-PL-{as_of}.xlsx"')
        return xlsx_parts(r.body)

    def test_task_table_lists_what_the_caller_may_read(self):
        parts = self.tasks("admin_p")
        self.assertIn('<sheet name="Nhiệm vụ" sheetId="1"', parts["xl/workbook.xml"])
        strings = parts["xl/sharedStrings.xml"]
        for text in ("Đơn vị chủ trì", "Hạn ban đầu", "Khó khăn, vướng mắc", "T-P", "T-SECRET",
                     "Hoàn thành đúng hạn", "Phủ sóng thôn Một"):
            self.assertIn(f"<t>{text}</t>", strings)

        sibling = self.tasks("viewer_c2")["xl/sharedStrings.xml"]
        self.assertIn("<t>T-C2</t>", sibling)
        self.assertNotIn("<t>T-SECRET</t>", sibling)  # classified, led by C1
        self.assertNotIn("<t>T-C1</t>", sibling)

    def test_task_table_before_any_assignment_has_only_headers(self):
        parts = self.tasks("admin_p", as_of="2024-12-31")
        self.assertIn('<autoFilter ref="A2:J2"/>', parts["xl/worksheets/sheet1.xml"])

    def test_scorecards(self):
        r = self.f.client("admin_p").ok("GET", "/api/v1/exports/scorecards.xlsx?plan=PL&period=2025")
        self.assertEqual(r.header("Content-Type"), XLSX)
        self.assertEqual(r.header("Content-Disposition"),
                         'attachment; filename="scorecards-PL-2025.xlsx"')
        parts = xlsx_parts(r.body)
        self.assertIn('<sheet name="Bảng xếp hạng" sheetId="1"', parts["xl/workbook.xml"])
        self.assertIn("<t>Xã Đông Sơn</t>", parts["xl/sharedStrings.xml"])
        r = self.f.client("viewer_c2").call("GET",
                                            "/api/v1/exports/scorecards.xlsx?plan=PL&period=2025")
        self.assertEqual(r.status, 403)

    def test_indicators_workbook(self):
        import openpyxl
        r = self.f.client("admin_p").ok("GET", "/api/v1/exports/indicators.xlsx?plan=PL&year=2025")
        self.assertEqual(r.header("Content-Type"), XLSX)
        self.assertEqual(r.header("Content-Disposition"),
                         'attachment; filename="indicators-PL-2025.xlsx"')
        wb = openpyxl.load_workbook(io.BytesIO(r.body))
        self.assertEqual(wb.sheetnames, ["Chỉ tiêu", "Số liệu"])
        sheet = wb["Chỉ tiêu"]
        self.assertEqual(sheet.freeze_panes, "A3")
        self.assertEqual([c.value for c in sheet[2]],
                         ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Kỳ báo cáo",
                          "Chiều đánh giá", "Mục tiêu", "Thời hạn mục tiêu", "Giá trị thực hiện",
                          "Mức đạt", "Tình trạng"])
        # PL's tasks link I-DV only; its 2025 figure at P sums the months of P's subtree
        # (5 + 3 + 7 + 2 + 4 + 8), judged against the line from 0 to 120 by 31/12/2026 (60).
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row[:8], ["I-DV", "Số dịch vụ công trực tuyến", "services", "Tháng",
                                   "Tăng là tốt", 120, datetime.datetime(2026, 12, 31), 29])
        self.assertAlmostEqual(row[8], 29 / 60, places=3)
        self.assertEqual(row[9], "Chậm tiến độ")
        self.assertEqual(sheet["F3"].number_format, "#,##0")
        self.assertEqual(sheet["G3"].number_format.lower(), "dd/mm/yyyy")

        values = wb["Số liệu"]
        self.assertEqual(values.freeze_panes, "A3")
        self.assertEqual([c.value for c in values[2]],
                         ["Mã chỉ tiêu", "Tên chỉ tiêu", "Mã đơn vị", "Đơn vị", "Kỳ", "Giá trị",
                          "Trạng thái"])
        got = [(r[2], r[4], r[5], r[6]) for r in
               ([c.value for c in row] for row in values.iter_rows(min_row=3))]
        self.assertEqual(got, [("C1", "202501", 7, "Đã duyệt"), ("C1", "202502", 8, "Đã duyệt"),
                               ("C2", "202501", 4, "Đã duyệt"), ("D", "202501", 3, "Đã duyệt"),
                               ("P", "202501", 5, "Đã duyệt"), ("V1", "202501", 2, "Đã duyệt")])
        self.assertEqual(values["F3"].number_format, "#,##0")

        empty = openpyxl.load_workbook(io.BytesIO(self.f.client("admin_p").ok(
            "GET", "/api/v1/exports/indicators.xlsx?plan=PL&year=2024").body))
        self.assertEqual(empty["Số liệu"].max_row, 2)
        r = self.f.client("viewer_c2").call("GET", "/api/v1/exports/indicators.xlsx?plan=PL")
        self.assertEqual(r.status, 403)

    def test_bad_parameters_are_named(self):
        c = self.f.client("admin_p")
        for path, field in (("/api/v1/exports/tasks.xlsx?plan=PL&as_of=31/12/2025", "as_of"),
                            ("/api/v1/exports/tasks.xlsx?plan=PL&period=2025", "period"),
                            ("/api/v1/exports/scorecards.xlsx?plan=PL&as_of=2025-12-31", "as_of"),
                            ("/api/v1/exports/scorecards.xlsx?period=2025", "plan"),
                            ("/api/v1/exports/indicators.xlsx?plan=PL&year=20x5", "year"),
                            ("/api/v1/exports/indicators.xlsx?plan=PL&period=2025", "period"),
                            ("/api/v1/exports/indicators.xlsx?year=2025", "plan")):
            with self.subTest(path=path):
                r = c.call("GET", path)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(error_fields(r), {field})
        self.assertEqual(c.call("GET", "/api/v1/exports/tasks.xlsx?plan=" + q("NO/PE")).status,
                         404)


if __name__ == "__main__":
    unittest.main()
