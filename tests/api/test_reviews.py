"""Reviews against the demo province: a review freezes the plan's figures as of a date (the
seeds' 124 of 169 tasks on 31 December 2025, the scorecards of the year as computed by hand),
later edits never change it, publication, visibility and the comparison of two reviews.
"""

import unittest

import test_scorecards as sc
from test_scorecards import PLAN, PLAN_Q, Period, server_today

_demo = None


def setUpModule():
    global _demo
    _demo = sc.DemoServer()


def tearDownModule():
    global _demo
    d, _demo = _demo, None
    if d is not None:
        d.close()


class ReviewsTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.d = _demo
        cls.agency = cls.d.client("agency_dst")
        cls.plan = cls.d.plan_id[PLAN]
        cls.interim = cls.create("2025-06-30", "interim", "Sơ kết 6 tháng đầu năm 2025")
        cls.annual = cls.create("2025-12-31", "annual", "Tổng kết năm 2025", "2025 annual review")

    @classmethod
    def create(cls, as_of, kind, title_vi, title_en=None):
        body = {"plan": cls.plan, "as_of": as_of, "kind": kind, "title_vi": title_vi}
        if title_en:
            body["title_en"] = title_en
        r = cls.agency.ok("POST", "/api/v1/reviews", body, expect=201)
        assert r.header("Location") == f"/api/v1/reviews/{r.json()['id']}", r.headers
        return r.json()

    def test_the_annual_review_freezes_the_seed_figures_and_the_scorecards(self):
        review = self.annual
        self.assertEqual(review["kind"], "annual")
        self.assertEqual(review["title_en"], "2025 annual review")
        self.assertEqual(review["as_of"], "2025-12-31")
        self.assertEqual(review["plan"], {"id": self.plan, "code": PLAN})
        self.assertEqual(review["created_by"], "agency_dst")
        self.assertFalse(review["published"])
        figures = review["figures"]
        self.assertEqual(figures["status"]["total"], 169)
        self.assertEqual(figures["status"]["done"], 124)
        self.assertEqual(figures["status"]["completion_rate"], 73.3)
        self.assertEqual(len(figures["status"]["rows"]), 10)
        self.assertEqual(figures["indicators"]["unit"], "SL")
        self.assertEqual(figures["indicators"]["periods"], "2025")
        open_data = next(i for i in figures["indicators"]["indicators"]
                         if i["indicator"] == "OPEN_DATASETS")
        self.assertEqual(open_data["value"], 658)
        self.assertEqual(figures["scorecards"]["period"], "2025")
        want = sc.model().scorecards(Period.parse("2025"), server_today())
        got = {c["unit"]["code"]: c for c in figures["scorecards"]["items"]}
        self.assertEqual(sorted(got), sorted(want))
        for code, card in got.items():
            if want[code]["score"] is None:
                self.assertIsNone(card["score"], code)
            else:
                self.assertAlmostEqual(card["score"], want[code]["score"], places=6, msg=code)
            self.assertEqual(card["rank"], want[code]["rank"], code)
            self.assertEqual(card["rating"], want[code]["rating"], code)

    def test_the_interim_review_is_judged_on_its_date(self):
        figures = self.interim["figures"]
        self.assertEqual(figures["as_of"], "2025-06-30")
        self.assertEqual(figures["status"]["as_of"], "2025-06-30")
        want = sc.model().scorecards(Period.parse("2025"), sc.datetime.date(2025, 6, 30))
        got = {c["unit"]["code"]: c for c in figures["scorecards"]["items"]}
        self.assertEqual(sorted(got), sorted(want))
        for code, card in got.items():
            self.assertEqual(card["judged_on"], "2025-06-30")
            self.assertEqual(card["tasks"], dict(
                want[code]["tasks"], completion_rate=card["tasks"]["completion_rate"],
                on_time_rate=card["tasks"]["on_time_rate"]), code)
            self.assertEqual(card["rank"], want[code]["rank"], code)

    def test_later_edits_never_change_a_frozen_review(self):
        admin = self.d.client("admin_vn")
        review = self.create("2025-12-31", "final", "Tổng kết để kiểm tra")
        path = f"/api/v1/reviews/{review['id']}"
        before = admin.ok("GET", path)
        live_before = admin.ok("GET", f"/api/v1/scorecards?plan={PLAN_Q}&period=2025"
                                      "&unit=SL-W-CHIENGAN").json()["items"][0]
        # A new value for Chiềng An's teams in December 2025 and new weights.
        units = {u["code"]: u["id"] for u in
                 admin.ok("GET", "/api/v1/org-units?limit=1000").json()["items"]}
        indicators = {i["code"]: i["id"] for i in
                      admin.ok("GET", "/api/v1/indicators?limit=1000").json()["items"]}
        value = (f"/api/v1/data-values/{indicators['COMMUNITY_DT_TEAMS']}/"
                 f"{units['SL-W-CHIENGAN']}/202512")
        admin.ok("PUT", value, {"value": 1}, if_match="*")
        weights = f"/api/v1/plans/{self.plan}/scorecard-weights"
        etag = admin.ok("GET", weights).header("ETag")
        etag = admin.ok("PUT", weights, {"on_time": 1, "timeliness": 0, "achievement": 1},
                        if_match=etag).header("ETag")
        try:
            live_after = admin.ok("GET", f"/api/v1/scorecards?plan={PLAN_Q}&period=2025"
                                         "&unit=SL-W-CHIENGAN").json()["items"][0]
            self.assertNotEqual(live_after["score"], live_before["score"])
            after = admin.ok("GET", path)
            self.assertEqual(after.json(), before.json())
            self.assertEqual(after.header("ETag"), before.header("ETag"))
        finally:
            admin.ok("PUT", weights, {"on_time": 0.5, "timeliness": 0.2, "achievement": 0.3},
                     if_match=etag)

    def test_publication_and_visibility(self):
        review = self.create("2025-09-30", "interim", "Sơ kết quý III")
        path = f"/api/v1/reviews/{review['id']}"
        leader = self.d.client("leader_chiengan")
        self.assertEqual(leader.get(path).status, 404)
        listed = leader.ok("GET", f"/api/v1/reviews?plan={PLAN_Q}").json()["items"]
        self.assertNotIn(review["id"], [r["id"] for r in listed])
        viewer = self.d.client("viewer_sl")  # reads the province's analytics
        self.assertEqual(viewer.ok("GET", path).json()["figures"], review["figures"])
        self.assertEqual(viewer.post(path + "/publish").status, 403)
        published = self.agency.ok("POST", path + "/publish").json()
        self.assertTrue(published["published"])
        self.assertEqual(published["published_by"], "agency_dst")
        self.assertRegex(published["published_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(published["figures"], review["figures"])
        again = self.agency.post(path + "/publish")
        self.assertEqual(again.status, 409, again)
        self.assertIn(str(review["id"]), again.json()["detail"])
        self.assertEqual(leader.ok("GET", path).json()["published"], True)
        listed = leader.ok("GET", f"/api/v1/reviews?plan={PLAN_Q}").json()["items"]
        self.assertEqual([r["id"] for r in listed], [review["id"]])
        self.assertNotIn("figures", listed[0])

    def test_list_by_plan(self):
        items = self.agency.ok("GET", f"/api/v1/reviews?plan={self.plan}&limit=1000").json()["items"]
        ids = [r["id"] for r in items]
        self.assertEqual(ids, sorted(ids))
        self.assertIn(self.interim["id"], ids)
        self.assertIn(self.annual["id"], ids)
        other = self.agency.ok("GET", "/api/v1/reviews?plan=KHUNG-01-CV%2FBC%C4%90TW").json()
        self.assertEqual(other["items"], [])
        self.assertEqual(self.agency.get("/api/v1/reviews?plan=NOPE").status, 404)

    def test_compare_interim_with_annual(self):
        a, b = self.interim, self.annual
        r = self.agency.ok("GET", f"/api/v1/reviews/compare?a={a['id']}&b={b['id']}").json()
        self.assertEqual(r["a"]["id"], a["id"])
        self.assertEqual(r["b"]["as_of"], "2025-12-31")
        for field in ("total", "done", "overdue", "completion_rate"):
            va, vb = a["figures"]["status"][field], b["figures"]["status"][field]
            self.assertEqual(r["status"][field]["a"], va, field)
            self.assertEqual(r["status"][field]["b"], vb, field)
            if va is None or vb is None:
                self.assertIsNone(r["status"][field]["change"])
            else:
                self.assertAlmostEqual(r["status"][field]["change"], vb - va, places=9)
        self.assertEqual(r["status"]["done"]["b"], 124)
        self.assertEqual(len(r["groups"]), 10)
        units_a = {c["unit"]["code"]: c for c in a["figures"]["scorecards"]["items"]}
        units_b = {c["unit"]["code"]: c for c in b["figures"]["scorecards"]["items"]}
        self.assertEqual(sorted(u["code"] for u in r["units"]), sorted(set(units_a) & set(units_b)))
        self.assertEqual(r["units_added"], sorted(set(units_b) - set(units_a)))
        self.assertEqual(r["units_removed"], sorted(set(units_a) - set(units_b)))
        # The communes formed on 1 July 2025 are new in the annual review; the old ones are gone.
        self.assertIn("SL-W-CHIENGAN", r["units_added"])
        self.assertIn("SL-OLD-LONGSAP", r["units_removed"])
        skhcn = next(u for u in r["units"] if u["code"] == "SL-SKHCN")
        self.assertEqual(skhcn["a"]["score"], units_a["SL-SKHCN"]["score"])
        self.assertEqual(skhcn["b"]["rank"], units_b["SL-SKHCN"]["rank"])
        open_data = next(i for i in r["indicators"] if i["code"] == "OPEN_DATASETS")
        self.assertEqual(open_data["b"], 658)
        self.assertEqual(r["indicators_added"], [])
        self.assertEqual(r["indicators_removed"], [])

    def test_bad_requests_name_the_field(self):
        cases = [({"plan": self.plan, "as_of": "2025-12-31", "kind": "quarterly",
                   "title_vi": "x"}, "kind"),
                 ({"plan": self.plan, "as_of": "2199-01-01", "kind": "final", "title_vi": "x"},
                  "as_of"),
                 ({"plan": 999999, "as_of": "2025-12-31", "kind": "final", "title_vi": "x"},
                  "plan"),
                 ({"plan": self.plan, "as_of": "2025-12-31", "kind": "final", "title_vi": ""},
                  "title_vi"),
                 ({"plan": self.plan, "as_of": "2025-12-31", "kind": "final", "title_vi": "x",
                   "figures": {}}, "figures")]
        before = len(self.agency.ok("GET", "/api/v1/reviews?limit=1000").json()["items"])
        for body, field in cases:
            r = self.agency.post("/api/v1/reviews", body)
            self.assertEqual(r.status, 422, (field, r))
            self.assertEqual([e["field"] for e in r.json()["errors"]], [field], r.json())
        self.assertEqual(len(self.agency.ok("GET", "/api/v1/reviews?limit=1000").json()["items"]),
                         before)
        leader = self.d.client("leader_chiengan")
        r = leader.post("/api/v1/reviews", {"plan": self.plan, "as_of": "2025-12-31",
                                            "kind": "final", "title_vi": "x"})
        self.assertEqual(r.status, 403, r)
        self.assertIn("leader_chiengan", r.json()["detail"])
        for query, field in [(f"a={self.interim['id']}", "b"), ("a=x&b=1", "a"),
                             (f"a={self.interim['id']}&b={self.annual['id']}&c=1", "c")]:
            r = self.agency.get(f"/api/v1/reviews/compare?{query}")
            self.assertEqual(r.status, 400, (query, r))
            self.assertEqual([e["field"] for e in r.json()["errors"]], [field], query)
        self.assertEqual(self.agency.get(f"/api/v1/reviews/compare?a={self.interim['id']}"
                                         "&b=999999").status, 404)
        self.assertEqual(self.agency.get("/api/v1/reviews/999999").status, 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
