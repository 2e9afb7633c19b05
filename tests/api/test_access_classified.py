"""The classified scope: a classified task's title appears in no response to a caller who may not
see it, and does appear to those who may — searched for in every body (JSON, CSV, the XML parts
of workbooks) of every route that returns or touches a task, as test_open_data does for the public.

The rule (domain/access.h, AccessPolicy::CanReadTask): a task is visible to callers whose scope
holds its lead unit or one of its coordinating units, and to the administrators of its plan; a
classified one only to its own units (scopes holding the lead or a coordinating unit), the
plan's administrators, and steering members whose scope holds its lead unit — never to steering
through a coordinating unit, and never to the public (SPEC §2: never public, redacted from the
open data and from every export for those who may not see it).

The fixture's classified task T-SECRET of PL is led by C1 (PL's standing agency is D). This
module adds a second one, led by C1 with C2 coordinating, gives both activity (progress with
difficulties, a comment, a claim, an urging scan, a report and a review of PL, PL published) so
that they have something to appear in everywhere, and sweeps:
  may see:     viewer_c1, unit_officer_c1, steering_c1, admin_p, agency_d, viewer_p
  may not see: viewer_c2 (T-SECRET only), viewer_v1, viewer_q, admin_q, steering_c2, anonymous.
Records exports (admins of a root only) are checked on their own. The PDF summary is not searched: its text is drawn as font glyphs, not as searchable strings.
"""

import io
import json
import unittest
import zipfile

import access_feedback
import access_urging
import harness
from harness import PASSWORD, setUpModule, tearDownModule  # noqa: F401

SECRET = ("Nhiệm vụ mật của xã", "Classified commune task")  # T-SECRET, from the fixture
CO_SECRET = ("Hồ sơ tuyệt mật phối hợp", "Top secret coordination file")


def texts(r):
    """The searchable text of a response body."""
    body = r.body
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist()
                           if n.endswith((".xml", ".rels")))
    text = body.decode("utf-8", errors="replace")
    ctype = (r.header("Content-Type") or "").split(";")[0].strip()
    if ctype.endswith("json"):
        # Escaped non-ASCII (\u1ec7) becomes the characters it stands for.
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


class ClassifiedTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        f = cls.f = harness.fixture()
        admin = f.client("admin_p")
        cls.secret = f.task[("PL", "T-SECRET")]
        cls.co_secret = admin.ok("POST", "/api/v1/tasks", {
            "plan": f.plan["PL"], "group": f.group[("PL", "G1")], "code": "T-SECRET-CO",
            "title_vi": CO_SECRET[0], "title_en": CO_SECRET[1], "lead_unit": f.unit["C1"],
            "coordinating_units": [f.unit["C2"]], "assigned_on": "2025-01-15",
            "deadline": "2027-06-30", "classified": True}, expect=201).json()["id"]
        admin.ok("POST", "/api/v1/users", {"login": "steering_c2", "password": PASSWORD,
                                           "role": "steering", "unit": f.unit["C2"]},
                 expect=201)
        officer = f.client("unit_officer_c1")
        for task in (cls.secret, cls.co_secret):
            officer.ok("POST", f"/api/v1/tasks/{task}/progress",
                       {"progress_percent": 40, "difficulties": "Thiếu kinh phí"})
            f.client("steering_c1").ok("POST", f"/api/v1/tasks/{task}/comments",
                                       {"body": "Đề nghị báo cáo tiến độ"}, expect=201)
        officer.ok("POST", f"/api/v1/tasks/{cls.co_secret}/claim",
                   {"completed_on": "2025-06-01", "evidence": "https://example.org/mat.pdf"})
        access_urging.scan(f)  # urgings, notifications and deliveries about both tasks
        r = officer.ok("POST", "/api/v1/reports", {"plan": f.plan["PL"], "unit": f.unit["C1"],
                                                   "period": "202506"}, expect=201)
        cls.report = r.json()["id"]
        officer.ok("POST", f"/api/v1/reports/{cls.report}/submit", {}, if_match=r.header("ETag"))
        cls.review = admin.ok("POST", "/api/v1/reviews", {
            "plan": f.plan["PL"], "as_of": "2025-12-31", "kind": "annual",
            "title_vi": "Tổng kết năm"}, expect=201).json()["id"]
        admin.ok("POST", f"/api/v1/reviews/{cls.review}/publish", {})
        r = admin.post("/api/v1/publications", {"kind": "plan", "subject": "PL"})
        assert r.status == 201, r

    def paths(self):
        """Every GET that returns or touches tasks, for a signed-in caller."""
        f, s, co = self.f, self.secret, self.co_secret
        pl = f.plan["PL"]
        out = ["/api/v1/tasks?limit=1000", "/api/v1/tasks?classified=true",
               "/api/v1/tasks?q=m%E1%BA%ADt", "/api/v1/tasks?q=secret", "/api/v1/tasks?code=T-SECRET",
               f"/api/v1/tasks?plan={pl}&lead_unit={f.unit['C1']}",
               f"/api/v1/tasks?plan={pl}&lead_unit={f.unit['P']}&subtree=true",
               "/api/v1/analytics/tasks?plan=PL&as_of=2026-01-01",
               "/api/v1/analytics/tasks?plan=PL&unit=C1&as_of=2026-01-01",
               "/api/v1/exports/tasks.xlsx?plan=PL&as_of=2025-12-31",
               "/api/v1/exports/scorecards.xlsx?plan=PL&period=2025",
               "/api/v1/exports/indicators.xlsx?plan=PL&year=2025",
               "/api/v1/exports/dataValueSets.json?orgUnit=P&children=true",
               f"/api/v1/reports?plan={pl}", f"/api/v1/reports/{self.report}",
               f"/api/v1/reports/{self.report}/events", f"/api/v1/reports/compliance?plan={pl}&period=202506",
               "/api/v1/urgings?limit=500", f"/api/v1/urgings?plan={pl}&limit=500",
               "/api/v1/notifications?limit=500", "/api/v1/deliveries?limit=500",
               f"/api/v1/feedback?plan={pl}", "/api/v1/reviews?limit=500",
               f"/api/v1/reviews/{self.review}",
               f"/api/v1/scorecards?plan=PL&unit=C1&period=2025",
               f"/api/v1/scorecards/history?plan=PL&unit=C1&from=2025&to=2025",
               "/api/v1/publications"]
        for task in (s, co):
            out += [f"/api/v1/tasks/{task}", f"/api/v1/tasks/{task}/events",
                    f"/api/v1/tasks/{task}/history", f"/api/v1/tasks/{task}/comments",
                    f"/api/v1/tasks/{task}/evidence", f"/api/v1/feedback/published?task={task}"]
        return out + self.public_paths()

    def public_paths(self):
        return ["/open/catalog.jsonld", "/open/datasets.json", "/open/datasets/plan-pl.csv",
                "/open/datasets/plan-pl.json", "/open/datasets/plan-pl/v1.json",
                "/open/datasets/plan-pl/v1.csv", "/api/3/action/package_list",
                "/api/3/action/package_show?id=plan-pl",
                "/api/3/action/package_search?q=m%E1%BA%ADt",
                "/api/3/action/package_search?q=secret",
                f"/api/v1/feedback/published?plan={self.f.plan['PL']}"]

    def sweep(self, client, paths, titles):
        """{path: status} of the responses holding one of `titles`."""
        found = {}
        for path in paths:
            r = client.get(path)
            body = texts(r)
            if any(t in body for t in titles):
                found[path] = r.status
        return found

    def test_callers_who_may_not_see_find_it_nowhere(self):
        for login, titles in (("viewer_c2", SECRET), ("viewer_v1", SECRET + CO_SECRET),
                              ("viewer_q", SECRET + CO_SECRET), ("admin_q", SECRET + CO_SECRET),
                              ("steering_c2", SECRET + CO_SECRET)):
            with self.subTest(login=login):
                self.assertEqual(self.sweep(self.f.client(login), self.paths(), titles), {})

    def test_the_public_finds_it_nowhere(self):
        anon = self.f.anonymous()
        self.assertEqual(self.sweep(anon, self.public_paths(), SECRET + CO_SECRET), {})
        # The open dataset of PL is there, with its other tasks.
        self.assertIn("Số hóa hồ sơ xã Đông Sơn", texts(anon.get("/open/datasets/plan-pl.json")))

    def test_direct_reads_look_missing(self):
        for login, tasks in (("viewer_c2", [self.secret]), ("steering_c2", [self.secret, self.co_secret]),
                             ("admin_q", [self.secret, self.co_secret]),
                             ("viewer_v1", [self.secret, self.co_secret])):
            c = self.f.client(login)
            for task in tasks:
                for suffix in ("", "/events", "/history", "/comments", "/evidence"):
                    with self.subTest(login=login, path=suffix):
                        self.assertEqual(c.get(f"/api/v1/tasks/{task}{suffix}").status, 404)

    def test_feedback_cannot_target_it(self):
        for task in (self.secret, self.co_secret):
            r = access_feedback.submit(self.f.anonymous(),
                                       access_feedback.submission("task", task))
            self.assertEqual(r.status, 422, r)
            self.assertEqual([e["field"] for e in r.json()["errors"]], ["target"])
            # Its published feedback is asked for as for a task that does not exist.
            missing = self.f.anonymous().get("/api/v1/feedback/published?task=987654")
            r = self.f.anonymous().get(f"/api/v1/feedback/published?task={task}")
            self.assertEqual((r.status, r.json()["type"]), (404, missing.json()["type"]))
            self.assertEqual(missing.status, 404)

    def test_callers_who_may_see_find_it(self):
        for login, titles in (("viewer_c1", SECRET + CO_SECRET),
                              ("unit_officer_c1", SECRET + CO_SECRET),
                              ("steering_c1", SECRET + CO_SECRET),
                              ("admin_p", SECRET + CO_SECRET), ("agency_d", SECRET + CO_SECRET),
                              ("viewer_p", SECRET + CO_SECRET), ("viewer_c2", CO_SECRET)):
            c = self.f.client(login)
            for task, title in ((self.secret, SECRET), (self.co_secret, CO_SECRET)):
                if title[0] not in titles:
                    continue
                with self.subTest(login=login, task=title[1]):
                    self.assertEqual(c.ok("GET", f"/api/v1/tasks/{task}").json()["title_vi"],
                                     title[0])
                    listed = c.ok("GET", "/api/v1/tasks?limit=1000").json()["items"]
                    self.assertIn(task, [t["id"] for t in listed])
                    self.assertIn(title[0], texts(c.ok(
                        "GET", "/api/v1/exports/tasks.xlsx?plan=PL&as_of=2025-12-31")))
                    self.assertIn(title[0], texts(c.ok("GET", f"/api/v1/tasks/{task}/history")))


if __name__ == "__main__":
    harness.main()
