"""Ids inside bodies and filters: a batch, a report body or an export filter that names a unit
outside the caller's scope is refused (403, naming the offending item) and nothing of the request
is written (the database's fingerprint is unchanged); a list, search or export never returns a
row outside the caller's scope, whatever its filters say.

The caller is unit_officer_c1 (scope C1 and its village V1) unless a case says otherwise; the
rule is AccessPolicy (domain/access.h): values of units in scope, tasks whose lead unit or a
coordinating unit is in scope, reports of units in scope.
"""

import io
import unittest
import zipfile

import harness
from harness import setUpModule, tearDownModule, value_path  # noqa: F401

IN_SCOPE = ("C1", "V1")
OUTSIDE = ("P", "C2", "Q")  # parent, sibling, unrelated


def xlsx_text(body):
    """Every XML part of a workbook, as one string (shared strings hold the cell texts)."""
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


class BatchBodiesTest(unittest.TestCase):
    """POST /api/v1/data-values in each of its shapes: ids JSON, CSV and DHIS2 dataValueSets."""

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.officer = cls.f.client("unit_officer_c1")
        cls.dv = cls.f.indicator["I-DV"]

    def refused(self, r, field, unit_code):
        """403, one error naming `field` and the unit's code, and nothing written."""
        self.assertEqual(r.status, 403, r)
        doc = r.json()
        self.assertEqual(doc["type"], "urn:planwatch:problem:forbidden")
        self.assertEqual([e["field"] for e in doc["errors"]], [field], doc)
        self.assertEqual(doc["errors"][0]["code"], "forbidden")
        self.assertIn(f"'{unit_code}'", doc["errors"][0]["message"])
        self.assertIn("nothing was written", doc["detail"])

    def test_ids_json_naming_a_unit_outside_scope(self):
        for code in OUTSIDE:
            with self.subTest(unit=code):
                before = self.f.fingerprint()
                r = self.officer.post("/api/v1/data-values", {"values": [
                    {"indicator": self.dv, "unit": self.f.unit["C1"], "period": "202604",
                     "value": 3},
                    {"indicator": self.dv, "unit": self.f.unit[code], "period": "202604",
                     "value": 4}]})
                self.refused(r, "values[1].unit", code)
                self.assertEqual(self.f.fingerprint(), before)
                # The in-scope value of the same request is not there either.
                self.assertEqual(self.officer.get(
                    value_path(self.dv, self.f.unit["C1"], "202604")).status, 404)

    def test_csv_naming_a_unit_outside_scope(self):
        before = self.f.fingerprint()
        r = self.officer.raw("POST", "/api/v1/data-values",
                             "indicator_code,unit_code,period,value\r\n"
                             "I-DV,V1,202605,3\r\nI-DV,C2,202605,5\r\n".encode(),
                             {"Content-Type": "text/csv"})
        self.refused(r, "unit_code", "C2")
        self.assertEqual(r.json()["errors"][0].get("line"), 3)
        self.assertEqual(self.f.fingerprint(), before)

    def test_dhis2_data_value_set_naming_a_unit_outside_scope(self):
        before = self.f.fingerprint()
        r = self.officer.post("/api/v1/data-values", {"dataValues": [
            {"dataElement": "I-DV", "orgUnit": "C1", "period": "202606", "value": "2"},
            {"dataElement": "I-DV", "orgUnit": "Q", "period": "202606", "value": "4"}]})
        self.refused(r, "dataValues[1].orgUnit", "Q")
        self.assertEqual(self.f.fingerprint(), before)

    def test_every_refused_item_is_named(self):
        r = self.officer.post("/api/v1/data-values", {"values": [
            {"indicator": self.dv, "unit": self.f.unit[code], "period": "202607", "value": 1}
            for code in ("P", "C1", "C2", "Q")]})
        self.assertEqual(r.status, 403, r)
        self.assertEqual([e["field"] for e in r.json()["errors"]],
                         ["values[0].unit", "values[2].unit", "values[3].unit"])
        self.assertTrue(r.json()["detail"].startswith("3 values are "), r.json()["detail"])

    def test_an_approved_state_the_caller_may_not_set_is_named(self):
        before = self.f.fingerprint()
        r = self.officer.post("/api/v1/data-values", {"values": [
            {"indicator": self.dv, "unit": self.f.unit["C1"], "period": "202608", "value": 1,
             "state": "approved"}]})
        self.assertEqual(r.status, 403, r)
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["values[0].state"])
        self.assertEqual(self.f.fingerprint(), before)

    def test_a_batch_in_scope_is_written(self):
        # The counterpart: the same request without the outside item is accepted and stored.
        r = self.officer.post("/api/v1/data-values", {"values": [
            {"indicator": self.dv, "unit": self.f.unit["V1"], "period": "202609", "value": 6}]})
        self.assertEqual(r.status, 200, r)
        got = self.officer.ok("GET", value_path(self.dv, self.f.unit["V1"], "202609")).json()
        self.assertEqual((got["value"], got["state"], got["stored_by"]),
                         (6.0, "submitted", "unit_officer_c1"))


class OtherBodiesTest(unittest.TestCase):
    """Report bodies and file imports naming outside ids."""

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()

    def test_a_report_of_a_unit_outside_scope_is_refused_and_not_written(self):
        officer = self.f.client("unit_officer_c1")
        for code in OUTSIDE:
            with self.subTest(unit=code):
                before = self.f.fingerprint()
                r = officer.post("/api/v1/reports", {"plan": self.f.plan["PL"],
                                                     "unit": self.f.unit[code],
                                                     "period": "202611"})
                self.assertIn(r.status, (403, 404), r)
                self.assertEqual(self.f.fingerprint(), before)
                listed = self.f.client("admin_p" if code != "Q" else "admin_q").ok(
                    "GET", f"/api/v1/reports?unit={self.f.unit[code]}").json()
                self.assertEqual(listed["total"], 0, listed)

    def test_imports_of_every_kind_are_refused_below_a_root(self):
        admin = self.f.client("admin_c1")
        rows = {
            "units": "code,name_vi,type,parent_code\r\nK-IMP,Tổ,other,C1\r\n",
            "tasks": "plan_code,code,group_code,title_vi,lead_unit_code,kind,assigned_on,deadline"
                     "\r\nPX-C1,T-IMP,G,Việc,C2,deadline,2025-01-15,2027-06-30\r\n",
            "data-values": "indicator_code,unit_code,period,value\r\nI-DV,C2,202501,1\r\n",
        }
        before = self.f.fingerprint()
        for kind, csv in rows.items():
            with self.subTest(kind=kind):
                r = admin.raw("POST", f"/api/v1/imports/{kind}", csv.encode("utf-8"),
                              {"Content-Type": "text/csv"})
                self.assertEqual(r.status, 403, r)
        self.assertEqual(self.f.fingerprint(), before)


class ListsNeverLeakTest(unittest.TestCase):
    """Whatever the filter names, the rows are within scope (or the filter is refused)."""

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.viewer = cls.f.client("viewer_c1")
        u = cls.f.unit
        cls.scope_ids = {u[c] for c in IN_SCOPE}
        cls.all_tasks = []
        for login in ("admin_p", "admin_q"):
            cls.all_tasks += cls.f.client(login).ok("GET", "/api/v1/tasks?limit=1000").json()["items"]
        cls.outside_tasks = [t for t in cls.all_tasks if not cls.visible(t)]

    @classmethod
    def visible(cls, t):
        units = {t["state"]["lead_unit"], *t.get("coordinating_units", [])}
        return bool(units & cls.scope_ids)

    def test_the_fixture_has_tasks_on_both_sides(self):
        codes = sorted((t["plan"], t["code"]) for t in self.all_tasks if self.visible(t))
        self.assertEqual(len(codes), 6, codes)  # T-C1, T-V1, T-SECRET, T-REC; PX-C1 T, PX-V1 T
        self.assertEqual(len(self.outside_tasks), 7)

    def test_task_list_filters_and_search(self):
        p, u = self.f.plan, self.f.unit
        queries = [f"plan={p['PQ']}", f"plan={p['PX-C2']}", f"plan={p['PX-P']}",
                   f"lead_unit={u['Q']}", f"lead_unit={u['C2']}", f"lead_unit={u['P']}&subtree=true",
                   "q=Q", "q=T%C3%A2y%20S%C6%A1n", "q=T-C2", "code=T-Q", "code=T-C2", "code=T",
                   f"group={self.f.group[('PQ', 'GQ')]}", "classified=false", "status=overdue"]
        for q in queries:
            with self.subTest(q=q):
                page = self.viewer.ok("GET", f"/api/v1/tasks?{q}&limit=500").json()
                leaked = [(t["plan"], t["code"]) for t in page["items"] if not self.visible(t)]
                self.assertEqual(leaked, [])
                self.assertEqual(page["total"], len(page["items"]))
        # A filter that names an outside plan answers nothing, not its tasks.
        self.assertEqual(self.viewer.ok("GET", f"/api/v1/tasks?plan={p['PQ']}").json()["total"], 0)

    def test_value_lists(self):
        page = self.viewer.ok("GET", "/api/v1/data-values?limit=500").json()
        self.assertGreater(len(page["items"]), 0)
        self.assertEqual({v["unit"] for v in page["items"]} - self.scope_ids, set())
        page = self.viewer.ok(
            "GET", f"/api/v1/data-values?indicator={self.f.indicator['I-DV']}&limit=500").json()
        self.assertEqual({v["unit"] for v in page["items"]} - self.scope_ids, set())
        for code in OUTSIDE:
            r = self.viewer.get(f"/api/v1/data-values?unit={self.f.unit[code]}")
            self.assertEqual(r.status, 403, r)

    def test_dhis2_export_holds_only_units_in_scope(self):
        doc = self.viewer.ok("GET", "/api/v1/exports/dataValueSets.json?orgUnit=C1&children=true"
                             "&startDate=2000-01-01&endDate=2100-01-01").json()
        self.assertGreater(len(doc["dataValues"]), 0)
        self.assertEqual({v["orgUnit"] for v in doc["dataValues"]} - set(IN_SCOPE), set())
        for code in OUTSIDE:
            r = self.viewer.get(f"/api/v1/exports/dataValueSets.json?orgUnit={code}")
            self.assertEqual(r.status, 403, r)
            self.assertIn(f"'{code}'", r.json()["detail"])

    def test_task_workbook_filtered_to_an_outside_plan_holds_none_of_its_tasks(self):
        for plan in ("PQ", "PL"):
            body = self.viewer.ok("GET", f"/api/v1/exports/tasks.xlsx?plan={plan}"
                                  "&as_of=2025-12-31").body
            text = xlsx_text(body)
            for t in self.outside_tasks:
                self.assertNotIn(t["title_vi"], text, (plan, t["code"]))
        self.assertIn("Số hóa hồ sơ xã Đông Sơn", xlsx_text(self.viewer.ok(
            "GET", "/api/v1/exports/tasks.xlsx?plan=PL&as_of=2025-12-31").body))

    def test_reports_urgings_and_feedback_lists_filtered_outside(self):
        p, u = self.f.plan, self.f.unit
        for path in (f"/api/v1/reports?unit={u['Q']}", f"/api/v1/reports?plan={p['PQ']}",
                     f"/api/v1/reports?unit={u['C2']}", f"/api/v1/urgings?plan={p['PQ']}",
                     f"/api/v1/urgings?plan={p['PX-C2']}", f"/api/v1/feedback?plan={p['PQ']}"):
            with self.subTest(path=path):
                page = self.viewer.ok("GET", path).json()
                self.assertEqual((page["total"], page["items"]), (0, []), page)

    def test_analytics_and_exports_filtered_to_an_outside_unit_or_plan_are_refused(self):
        for path in ("/api/v1/analytics/tasks?plan=PL&unit=C2&as_of=2026-01-01",
                     "/api/v1/analytics/tasks?plan=PQ&unit=Q&as_of=2026-01-01",
                     "/api/v1/analytics/indicators?unit=P&periods=2025",
                     "/api/v1/scorecards?plan=PL&unit=C2&period=2025",
                     "/api/v1/exports/scorecards.xlsx?plan=PX-C2&period=2025",
                     "/api/v1/exports/indicators.xlsx?plan=PQ&year=2025",
                     "/api/v1/exports/plan-summary.pdf?plan=PX-P&period=2025&lang=vi"):
            with self.subTest(path=path):
                r = self.viewer.get(path)
                self.assertIn(r.status, (403, 404), r)


if __name__ == "__main__":
    harness.main()
