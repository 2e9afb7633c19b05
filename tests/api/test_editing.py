"""Concurrent editing (ETag / If-Match), scope of a commune officer, a viewer's writes, API tokens
versus sessions, and CSRF.
"""

import unittest

import harness
from harness import PASSWORD, PDF_BYTES, setUpModule, tearDownModule, value_path  # noqa: F401


class EditingTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        # Two editors: two sessions of the same admin.
        cls.a = cls.f.client("admin_p")
        cls.b = harness.Client(cls.f.port).login("admin_p")

    def test_two_editors_on_a_task(self):
        path = f"/api/v1/tasks/{self.f.task[('PL', 'T-D')]}"
        ra = self.a.ok("GET", path)
        rb = self.b.ok("GET", path)
        self.assertEqual(ra.header("ETag"), rb.header("ETag"))
        self.a.ok("PATCH", path, {"title_vi": "Tiêu đề của A"}, if_match=ra.header("ETag"))
        lost = self.b.patch(path, {"title_vi": "Tiêu đề của B"}, if_match=rb.header("ETag"))
        self.assertEqual(lost.status, 412, lost)
        self.assertEqual(lost.json()["type"], "urn:planwatch:problem:precondition-failed")
        self.assertEqual(self.b.ok("GET", path).json()["title_vi"], "Tiêu đề của A")
        missing = self.b.patch(path, {"title_vi": "Tiêu đề của B"})
        self.assertEqual(missing.status, 428, missing)
        self.assertEqual(missing.json()["type"], "urn:planwatch:problem:precondition-required")
        self.assertEqual(self.a.ok("GET", path).json()["title_vi"], "Tiêu đề của A")

    def test_delete_needs_if_match(self):
        r = self.a.ok("POST", "/api/v1/directives",
                      {"number": "EDIT-1", "title_vi": "Văn bản"}, expect=201)
        path = f"/api/v1/directives/{r.json()['id']}"
        self.assertEqual(self.a.delete(path).status, 428)
        self.a.ok("PATCH", path, {"issuer": "UBND"}, if_match=r.header("ETag"))
        self.assertEqual(self.a.delete(path, if_match=r.header("ETag")).status, 412)
        self.assertEqual(self.a.get(path).status, 200)

    def test_two_editors_on_a_data_value(self):
        path = value_path(self.f.indicator["I-DV"], self.f.unit["C2"], "202501")
        ra = self.a.ok("GET", path)
        rb = self.b.ok("GET", path)
        self.a.ok("PUT", path, {"value": 40}, if_match=ra.header("ETag"))
        lost = self.b.put(path, {"value": 41}, if_match=rb.header("ETag"))
        self.assertEqual(lost.status, 412, lost)
        self.assertEqual(self.b.ok("GET", path).json()["value"], 40)
        self.assertEqual(self.b.put(path, {"value": 41}).status, 428)
        self.assertEqual(self.a.ok("GET", path).json()["value"], 40)

    def test_commune_officer_cannot_see_or_touch_another_commune(self):
        officer = self.f.client("unit_officer_c1")
        before = self.f.fingerprint()
        task = self.f.task[("PL", "T-C2")]
        value = value_path(self.f.indicator["I-DV"], self.f.unit["C2"], "202501")
        self.assertEqual(officer.get(f"/api/v1/tasks/{task}").status, 404)
        self.assertEqual(officer.get(f"/api/v1/tasks/{task}/events").status, 404)
        self.assertEqual(officer.get(value).status, 404)
        self.assertEqual(officer.get(value + "/history").status, 404)
        for r in (officer.post(f"/api/v1/tasks/{task}/progress", {"progress_percent": 90}),
                  officer.patch(f"/api/v1/tasks/{task}", {"title_en": "x"}, if_match="*"),
                  officer.put(value, {"value": 99}, if_match="*"),
                  officer.delete(value, if_match="*"),
                  officer.raw("POST", f"/api/v1/tasks/{task}/evidence?file_name=a.pdf", PDF_BYTES,
                              {"Content-Type": "application/pdf"})):
            self.assertIn(r.status, (403, 404), r)
        batch = officer.post("/api/v1/data-values", {"values": [
            {"indicator": self.f.indicator["I-DV"], "unit": self.f.unit["C2"], "period": "202501",
             "value": 99}]})
        self.assertEqual(batch.status, 403, batch)
        listed = officer.ok("GET", "/api/v1/tasks?limit=1000").json()["items"]
        self.assertNotIn(task, [t["id"] for t in listed])
        values = officer.ok("GET", "/api/v1/data-values?limit=10000").json()["items"]
        self.assertNotIn(self.f.unit["C2"], [v["unit"] for v in values])
        self.assertEqual(officer.get(f"/api/v1/data-values?unit={self.f.unit['C2']}").status, 403)
        self.assertEqual(self.f.fingerprint(), before)

    def test_comments_on_a_task(self):
        task = self.f.task[("PL", "T-C1")]
        path = f"/api/v1/tasks/{task}/comments"
        steering = self.f.client("steering_c1")
        officer = self.f.client("unit_officer_c1")
        asked = steering.ok("POST", path, {"body": "  Đề nghị báo cáo tiến độ trước 15/6.  "},
                            expect=201).json()
        self.assertEqual(asked["body"], "Đề nghị báo cáo tiến độ trước 15/6.")
        self.assertEqual((asked["author"], asked["author_name"], asked["task"]),
                         ("steering_c1", "Steering C1", task))
        officer.ok("POST", path, {"body": "Đã hoàn thành 60%, dự kiến xong cuối tháng."}, expect=201)
        listed = self.f.client("viewer_c1").ok("GET", path).json()["items"]
        self.assertEqual([c["author"] for c in listed[-2:]], ["steering_c1", "unit_officer_c1"])
        self.assertLess(listed[-2]["id"], listed[-1]["id"])
        before = self.f.fingerprint()
        for body, field in (({"body": "   "}, "body"), ({}, "body"), ({"body": "x" * 4001}, "body"),
                            ({"body": "ok", "author": "admin_p"}, "author")):
            r = officer.post(path, body)
            self.assertEqual(r.status, 422, r)
            self.assertEqual([e["field"] for e in r.json()["errors"]], [field], r)
        self.assertEqual(self.f.client("viewer_c1").post(path, {"body": "Xem"}).status, 403)
        other = f"/api/v1/tasks/{self.f.task[('PL', 'T-C2')]}/comments"
        self.assertEqual(officer.get(other).status, 404)
        self.assertEqual(officer.post(other, {"body": "Không phải việc của xã"}).status, 404)
        self.assertEqual(self.f.fingerprint(), before)

    def test_viewer_cannot_write_anything_on_its_own_unit(self):
        viewer = self.f.client("viewer_c1")
        f = self.f
        before = f.fingerprint()
        task = f.task[("PX-C1", "T")]
        value = value_path(f.indicator["I-DV"], f.unit["C1"], "202501")
        writes = [
            ("POST", "/api/v1/org-units", {"code": "VW", "name_vi": "x", "type": "other", "parent": f.unit["C1"]}),
            ("PATCH", f"/api/v1/org-units/{f.unit['V1']}", {"leader_name": "x"}),
            ("DELETE", f"/api/v1/org-units/{f.unit['V1']}", None),
            ("POST", "/api/v1/directives", {"number": "VW-1", "title_vi": "x"}),
            ("PATCH", "/api/v1/directives/1", {"issuer": "x"}),
            ("DELETE", "/api/v1/directives/1", None),
            ("POST", "/api/v1/plans", {"code": "VWP", "title_vi": "x", "issuer": f.unit["C1"],
                                       "standing_agency": f.unit["C1"]}),
            ("PATCH", f"/api/v1/plans/{f.plan['PX-C1']}", {"title_en": "x"}),
            ("DELETE", f"/api/v1/plans/{f.plan['PX-C1']}", None),
            ("POST", "/api/v1/task-groups", {"plan": f.plan["PX-C1"], "code": "VWG", "title_vi": "x"}),
            ("PATCH", f"/api/v1/task-groups/{f.group[('PX-C1', 'G')]}", {"order": 3}),
            ("DELETE", f"/api/v1/task-groups/{f.group[('PX-C1', 'G')]}", None),
            ("POST", "/api/v1/tasks", {"plan": f.plan["PX-C1"], "code": "VWT", "title_vi": "x",
                                       "lead_unit": f.unit["C1"], "assigned_on": "2025-01-15",
                                       "deadline": "2027-01-01"}),
            ("PATCH", f"/api/v1/tasks/{task}", {"title_en": "x"}),
            ("POST", f"/api/v1/tasks/{task}/progress", {"progress_percent": 10}),
            ("POST", f"/api/v1/tasks/{task}/claim", {"completed_on": "2025-06-01", "evidence": "https://x.org"}),
            ("POST", f"/api/v1/tasks/{task}/verify", {}),
            ("POST", f"/api/v1/tasks/{task}/return", {"reason": "x"}),
            ("POST", f"/api/v1/tasks/{task}/amend", {"new_deadline": "2028-01-01", "reason": "x",
                                                     "requested_by": "x"}),
            ("POST", f"/api/v1/tasks/{task}/cancel", {"reason": "x"}),
            ("POST", "/api/v1/indicators", {"code": "VWI", "name_vi": "x", "responsible_unit": f.unit["C1"]}),
            ("PATCH", f"/api/v1/indicators/{f.indicator['I-C1']}", {"data_source": "x"}),
            ("DELETE", f"/api/v1/indicators/{f.indicator['I-C1']}", None),
            ("POST", f"/api/v1/indicators/{f.indicator['I-C1']}/targets", {"date": "2027-01-01", "value": 1}),
            ("POST", "/api/v1/data-values", {"values": [{"indicator": f.indicator["I-DV"], "unit": f.unit["C1"],
                                                         "period": "202501", "value": 1}]}),
            ("PUT", value, {"value": 1}),
            ("DELETE", value, None),
            ("POST", "/api/v1/users", {"login": "vw.user", "password": PASSWORD, "role": "viewer",
                                       "unit": f.unit["C1"]}),
            ("PATCH", f"/api/v1/users/{f.user_id['viewer_c1']}", {"display_name": "x"}),
        ]
        wrong = []
        for method, path, body in writes:
            r = viewer.call(method, path, body, if_match="*" if method in ("PATCH", "DELETE", "PUT") else None)
            # Users are invisible to non-admins (404); everything else on C1 is visible: 403.
            allowed = (403, 404) if path.startswith("/api/v1/users/") else (403,)
            if r.status not in allowed:
                wrong.append(f"{method} {path}: {r.status} {r.body[:150]!r}")
        r = viewer.raw("POST", f"/api/v1/tasks/{task}/evidence?file_name=a.pdf", PDF_BYTES,
                       {"Content-Type": "application/pdf"})
        if r.status != 403:
            wrong.append(f"POST evidence: {r.status}")
        self.assertEqual(wrong, [])
        self.assertEqual(f.fingerprint(), before)

    def requests_for_token_comparison(self):
        f = self.f
        own = f.task[("PL", "T-C1")]
        other = f.task[("PL", "T-C2")]
        own_value = value_path(f.indicator["I-DV"], f.unit["C1"], "202502")
        other_value = value_path(f.indicator["I-DV"], f.unit["C2"], "202501")
        return [
            ("GET", "/api/v1/session", None),
            ("GET", f"/api/v1/tasks/{own}", None),
            ("GET", f"/api/v1/tasks/{other}", None),
            ("GET", f"/api/v1/tasks/{own}/events", None),
            ("GET", f"/api/v1/tasks/{other}/evidence", None),
            ("GET", own_value, None),
            ("GET", other_value, None),
            ("GET", f"/api/v1/data-values?unit={f.unit['C2']}", None),
            ("GET", "/api/v1/users", None),
            ("GET", f"/api/v1/analytics/tasks?plan=PL&unit=C1&as_of=2026-01-01", None),
            ("GET", f"/api/v1/analytics/tasks?plan=PL&unit=P&as_of=2026-01-01", None),
            ("POST", f"/api/v1/tasks/{own}/progress", {"progress_percent": 30}),
            ("POST", f"/api/v1/tasks/{other}/progress", {"progress_percent": 30}),
            ("POST", f"/api/v1/tasks/{own}/verify", {}),
            ("PATCH", f"/api/v1/tasks/{own}", {"title_en": "x"}),
            ("PUT", own_value, {"value": 8}),
            ("PUT", other_value, {"value": 8}),
            ("POST", "/api/v1/directives", {"number": "TOK-1", "title_vi": "x"}),
            ("POST", "/api/v1/data-values", {"values": [{"indicator": f.indicator["I-DV"],
                                                         "unit": f.unit["C2"], "period": "202501",
                                                         "value": 1}]}),
            ("DELETE", other_value, None),
            ("GET", "/api/v1/tasks/999999", None),
        ]

    def test_token_gets_the_same_answers_as_the_session(self):
        session = self.f.client("unit_officer_c1")
        token = session.token_client("compare")
        token.csrf = None
        wrong = []
        for method, path, body in self.requests_for_token_comparison():
            im = "*" if method in ("PATCH", "PUT", "DELETE") else None
            a = session.call(method, path, body, if_match=im)
            b = token.call(method, path, body, if_match=im)
            if a.status != b.status:
                wrong.append(f"{method} {path}: session {a.status}, token {b.status}")
        self.assertEqual(wrong, [])

    def test_cookie_write_without_csrf_is_refused(self):
        officer = self.f.client("unit_officer_c1")
        before = self.f.fingerprint()
        path = f"/api/v1/tasks/{self.f.task[('PL', 'T-C1')]}/progress"
        r = officer.call("POST", path, {"progress_percent": 70}, headers={"X-CSRF-Token": None})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json()["type"], "urn:planwatch:problem:csrf")
        r = officer.call("POST", path, {"progress_percent": 70}, headers={"X-CSRF-Token": "wrong"})
        self.assertEqual(r.json()["type"], "urn:planwatch:problem:csrf")
        self.assertEqual(self.f.fingerprint(), before)
        token = officer.token_client("no csrf")
        self.assertEqual(token.call("POST", path, {"progress_percent": 70}).status, 200)


if __name__ == "__main__":
    harness.main()
