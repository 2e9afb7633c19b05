"""Access expectations of the workbook imports, templates and exports of records (see
access_parts.py).

Imports and exports of records are for an admin of a root unit (AccessPolicy::CanImport): no
caller scoped at C1. They reach only the caller's subtree: RecordsScopeTest, which test_access.py
runs with the access matrix, checks that admin_q neither sees nor writes root P's records. Templates
are blank: every signed-in user.
"""

import csv
import io
import os
import unittest

import openpyxl

import harness

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})
NOBODY = {role: frozenset() for role in ROLES}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TABLE = {
    ("POST", "/api/v1/imports"): ("any", NOBODY),
    ("GET", "/api/v1/imports/{kind}/template.xlsx"): ("any", {role: ALL for role in ROLES}),
    ("GET", "/api/v1/imports/{kind}/template.csv"): ("any", {role: ALL for role in ROLES}),
    ("GET", "/api/v1/exports/records.xlsx"): ("any", NOBODY),
    ("GET", "/api/v1/exports/records.csv"): ("any", NOBODY),
}

JSON_BODY_ROUTES = set()


def directives_workbook():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Văn bản chỉ đạo"
    sheet.append(["Số hiệu", "Loại văn bản", "Trích yếu"])
    sheet.append(["CV-XLSX-1", "dispatch", "Công văn"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    if path == "/api/v1/imports":
        return c.raw("POST", "/api/v1/imports?dry_run=true", directives_workbook(),
                     {"Content-Type": XLSX})
    if path.startswith("/api/v1/imports/{kind}"):
        return c.get(path.replace("{kind}", "tasks"))
    if path.endswith(".xlsx"):
        return c.get(f"{path}?kinds=tasks")
    return c.get(f"{path}?kind=tasks")


def specs(f):
    """No JSON bodies: nothing for the malformed-body catalog."""
    return {}


def _fixture_tasks():
    with open(os.path.join(harness.FIXTURES, "tasks.csv"), encoding="utf-8") as f:
        return list(csv.DictReader(f))


Q_PLANS = {"PQ", "PX-Q"}
P_UNITS = {"P", "D", "C1", "C2", "V1"}


def workbook_cells(data):
    """Every non-empty cell of every sheet of an .xlsx, as text."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [str(cell) for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]


class RecordsScopeTest(unittest.TestCase):
    """Records exports and imports through the API reach the caller's subtree only: admin_q (root
    Q) gets none of root P's records and may not write into them; admin_p round-trips its own."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.admin_q = cls.f.client("admin_q")
        cls.admin_p = cls.f.client("admin_p")
        tasks = _fixture_tasks()
        cls.p_titles = [t[key] for t in tasks if t["plan_code"] not in Q_PLANS
                        for key in ("title_vi", "title_en")]
        cls.q_titles = [t["title_vi"] for t in tasks if t["plan_code"] in Q_PLANS]
        assert "Nhiệm vụ mật của xã" in cls.p_titles  # a classified task of P

    def test_admin_of_q_exports_none_of_p_records(self):
        r = self.admin_q.get("/api/v1/exports/records.csv?kind=tasks")
        self.assertEqual(r.status, 200, r.body[:300])
        text = r.body.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual({row["plan_code"] for row in rows}, Q_PLANS)
        for title in self.q_titles:
            self.assertIn(title, text)
        leaked = [title for title in self.p_titles if title in text]
        self.assertEqual(leaked, [])

        r = self.admin_q.get("/api/v1/exports/records.xlsx")
        self.assertEqual(r.status, 200, r.body[:300])
        book = openpyxl.load_workbook(io.BytesIO(r.body))
        units = book["Đơn vị"]
        codes = {row[0] for row in units.iter_rows(min_row=3, values_only=True) if row[0]}
        self.assertIn("Q", codes)
        self.assertIn("DQ", codes)
        self.assertEqual(codes & P_UNITS, set())
        cells = workbook_cells(r.body)
        for title in self.q_titles:
            self.assertIn(title, cells)
        leaked = [title for title in self.p_titles + ["Kế hoạch chuyển đổi số tỉnh P",
                                                       "Chỉ tiêu của P", "Tỉnh Phú Hòa"]
                  if title in cells]
        self.assertEqual(leaked, [])

        r = self.admin_q.get("/api/v1/exports/records.xlsx?kinds=tasks")
        self.assertEqual(r.status, 200, r.body[:300])
        cells = workbook_cells(r.body)
        self.assertIn("Nhiệm vụ của tỉnh Q", cells)
        self.assertEqual([title for title in self.p_titles if title in cells], [])

    def test_admin_of_q_may_not_import_into_p(self):
        body = ("plan_code,code,group_code,title_vi,lead_unit_code,coordinating_unit_codes,kind,"
                "assigned_on,deadline\r\n"
                "PQ,T-Q-NEW1,GQ,Việc mới của Q,Q,C1,deadline,2025-02-01,2027-12-31\r\n"
                "PQ,T-Q-NEW2,GQ,Giao cho P,P,,deadline,2025-02-01,2027-12-31\r\n"
                "PL,T-INTRUDE,G1,Chen vào kế hoạch P,Q,,deadline,2025-02-01,2027-12-31\r\n"
                "PQ,T-Q-NEW3,GQ,Việc riêng của Q,DQ,,deadline,2025-02-01,2027-12-31\r\n"
                "PL,T-P,G1,Chuyển đổi số cấp tỉnh (sửa),P,,deadline,2025-01-15,2025-06-30\r\n")
        before = self.f.fingerprint()
        for query in ("?dry_run=true", ""):
            r = self.admin_q.raw("POST", "/api/v1/imports/tasks" + query, body.encode(),
                                 {"Content-Type": "text/csv"})
            self.assertEqual(r.status, 403, r.body[:500])
            errors = sorted((e["line"], e["field"], e["message"]) for e in r.json()["errors"])
            self.assertEqual(errors, [
                (2, "coordinating_unit_codes", "unit C1 is outside your scope (Q)"),
                (3, "lead_unit_code", "unit P is outside your scope (Q)"),
                (4, "plan_code", "plan PL is outside your scope (Q)"),
                (6, "plan_code", "plan PL is outside your scope (Q)"),
            ])
        self.assertEqual(self.f.fingerprint(), before)

        # A workbook of values for P's units, as admin_q: every row named, with its sheet.
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Số liệu"
        sheet.append(["Mã chỉ tiêu", "Mã đơn vị", "Kỳ", "Giá trị"])
        sheet.append(["I-DV", "Q", "202503", 1])
        sheet.append(["I-DV", "C1", "202503", 99])
        sheet.append(["I-P", "P", "202503", 99])
        out = io.BytesIO()
        book.save(out)
        r = self.admin_q.raw("POST", "/api/v1/imports", out.getvalue(), {"Content-Type": XLSX})
        self.assertEqual(r.status, 403, r.body[:500])
        errors = sorted((e["sheet"], e["line"], e["field"], e["message"])
                        for e in r.json()["errors"])
        self.assertEqual(errors, [
            ("Số liệu", 3, "Mã đơn vị", "B3: unit C1 is outside your scope (Q)"),
            ("Số liệu", 4, "Mã đơn vị", "B4: unit P is outside your scope (Q)"),
        ])
        self.assertEqual(self.f.fingerprint(), before)

    def test_admin_of_p_round_trips_its_own_records(self):
        r = self.admin_p.get("/api/v1/exports/records.xlsx")
        self.assertEqual(r.status, 200, r.body[:300])
        cells = workbook_cells(r.body)
        self.assertIn("Nhiệm vụ mật của xã", cells)
        self.assertEqual([title for title in self.q_titles if title in cells], [])
        before = self.f.fingerprint()
        back = self.admin_p.raw("POST", "/api/v1/imports", r.body, {"Content-Type": XLSX})
        self.assertEqual(back.status, 200, back.body[:500])
        answer = back.json()
        self.assertEqual((answer["inserted"], answer["updated"], answer["changes"]), (0, 0, []))
        self.assertEqual(answer["unchanged"], answer["rows"])
        self.assertGreater(answer["rows"], 40)
        for kind in ("units", "plans", "tasks", "task-updates", "data-values"):
            r = self.admin_p.get(f"/api/v1/exports/records.csv?kind={kind}")
            self.assertEqual(r.status, 200, r.body[:300])
            back = self.admin_p.raw("POST", f"/api/v1/imports/{kind}", r.body,
                                    {"Content-Type": "text/csv"})
            self.assertEqual((back.status, back.json()["changes"]), (200, []), kind)
        self.assertEqual(self.f.fingerprint(), before)

