"""Publications through the HTTP API on the fixture: publish (201, Location, the version's JSON),
an unchanged dataset refused (409), withdraw and publish again, the list with its withdrawn flag,
classified tasks and unapproved values left out, who may publish, and bad bodies (422 naming the
field). The public /open/* reads are tested with the open-data routes.
"""

import unittest

import harness
from access_publications import dataset_name
from harness import setUpModule, tearDownModule, value_path  # noqa: F401

PLAN_COLUMNS = ["code", "title_vi", "title_en", "group_code", "group_title_vi", "lead_unit_code",
                "lead_unit_name_vi", "lead_unit_name_en", "deadline", "status", "progress_percent",
                "completed_on"]


def error_fields(r):
    return {e.get("field") for e in r.json().get("errors", [])}


class PublicationsTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.agency = cls.f.client("agency_d")  # PL's standing agency; I-DV's responsible unit

    def publish(self, body, expect=201):
        return self.agency.ok("POST", "/api/v1/publications", body, expect=expect)

    def listed(self, name):
        items = self.agency.ok("GET", "/api/v1/publications?limit=1000").json()["items"]
        return next((i for i in items if i["name"] == name), None)

    def test_plan_dataset_leaves_the_classified_task_out_and_versions_are_numbered(self):
        r = self.publish({"kind": "plan", "subject": "PL"})
        d = r.json()
        self.assertEqual(d["name"], "plan-pl")
        self.assertEqual(r.header("Location"), f"/open/datasets/plan-pl/v{d['version']}.json")
        self.assertEqual([c["name"] for c in d["columns"]], PLAN_COLUMNS)
        self.assertEqual(d["publisher"]["code"], "D")
        self.assertEqual(d["distributions"][0]["url"], "/open/datasets/plan-pl.csv")
        codes = [row[0] for row in d["rows"]]
        self.assertEqual(sorted(codes), ["T-C1", "T-C2", "T-D", "T-P", "T-REC", "T-V1"])
        self.assertEqual(d["row_count"], 6)
        self.assertNotIn("T-SECRET", r.body.decode())
        self.assertNotIn("Nhiệm vụ mật", r.body.decode())
        s = d["summary"]
        self.assertEqual(s["plan"]["code"], "PL")
        self.assertEqual(s["recurring"], 1)
        self.assertEqual(s["total"] + s["cancelled"] + s["recurring"], 6)
        v1 = next(row for row in d["rows"] if row[0] == "T-V1")
        self.assertEqual(v1[9], "done_on_time")
        self.assertEqual(v1[11], "2025-03-20")

        again = self.agency.post("/api/v1/publications", {"kind": "plan", "subject": "PL"})
        self.assertEqual(again.status, 409, again)
        self.assertIn(f"nothing changed since version {d['version']}", again.json()["detail"])

    def test_withdraw_then_publish_again_makes_a_new_version(self):
        admin = self.f.client("admin_p")
        first = admin.ok("POST", "/api/v1/publications", {"kind": "plan", "subject": "PX-P"},
                         expect=201).json()
        self.assertEqual(first["version"], 1)
        name = first["name"]
        self.assertEqual(name, dataset_name("plan", "PX-P"))
        self.assertFalse(self.listed(name)["withdrawn"])
        self.assertEqual(self.listed(name)["published_by"], "admin_p")
        r = self.agency.post(f"/api/v1/publications/{name}/withdraw")
        self.assertEqual(r.status, 403, r)  # PX-P is administered by P, outside D's scope
        r = admin.post(f"/api/v1/publications/{name}/withdraw")
        self.assertEqual(r.status, 204, r)
        item = self.listed(name)
        self.assertTrue(item["withdrawn"])
        self.assertEqual(item["withdrawn_by"], "admin_p")
        twice = admin.post(f"/api/v1/publications/{name}/withdraw")
        self.assertEqual(twice.status, 409, twice)
        second = admin.ok("POST", "/api/v1/publications", {"kind": "plan", "subject": "PX-P"},
                          expect=201).json()
        self.assertEqual(second["version"], 2)
        self.assertEqual(second["issued"], first["issued"])
        self.assertEqual(second["rows"], first["rows"])
        item = self.listed(name)
        self.assertFalse(item["withdrawn"])
        self.assertIsNone(item["withdrawn_at"])
        self.assertEqual(item["version"], 2)
        missing = admin.post("/api/v1/publications/plan-nothing-here/withdraw")
        self.assertEqual(missing.status, 404, missing)

    def test_indicator_dataset_holds_only_approved_values(self):
        f = self.f
        self.agency.ok("PUT", value_path(f.indicator["I-DV"], f.unit["D"], "202503"),
                       {"value": 11, "state": "submitted"})
        d = self.publish({"kind": "indicator", "subject": "I-DV"}).json()
        self.assertEqual(d["name"], "indicator-i-dv")
        self.assertEqual([c["name"] for c in d["columns"]],
                         ["unit_code", "unit_name_vi", "unit_name_en", "period", "value"])
        keys = [(row[0], row[3], row[4]) for row in d["rows"]]
        self.assertIn(("C1", "202501", 7), keys)
        self.assertIn(("C1", "202502", 8), keys)
        self.assertNotIn("202503", [row[3] for row in d["rows"]])
        self.assertEqual(keys, sorted(keys, key=lambda k: (k[0], k[1])))
        self.assertEqual(d["summary"]["indicator"]["code"], "I-DV")

    def test_only_administrators_publish(self):
        for login in ("viewer_c1", "unit_officer_c1", "steering_c1", "standing_agency_c1"):
            r = self.f.client(login).post("/api/v1/publications", {"kind": "plan", "subject": "PL"})
            self.assertEqual(r.status, 403, (login, r))
        r = self.f.client("unit_officer_c1").post("/api/v1/publications",
                                                  {"kind": "indicator", "subject": "I-DV"})
        self.assertEqual(r.status, 403, r)
        anonymous = self.f.anonymous().post("/api/v1/publications",
                                            {"kind": "plan", "subject": "PL"})
        self.assertEqual(anonymous.status, 401, anonymous)
        self.assertEqual(self.f.anonymous().get("/api/v1/publications").status, 401)

    def test_bad_bodies_name_the_field(self):
        before = self.f.fingerprint()
        cases = [({"kind": "chart", "subject": "PL"}, "kind"),
                 ({"kind": "plan", "subject": "NOPE"}, "subject"),
                 ({"kind": "indicator", "subject": "I-NONE"}, "subject"),
                 ({"kind": "review", "subject": 999999}, "subject"),
                 ({"kind": "scorecards", "subject": "PL"}, "period"),
                 ({"kind": "scorecards", "subject": "PL", "period": "2025Q5"}, "period"),
                 ({"kind": "plan", "subject": "PL", "period": "2025"}, "period")]
        for body, field in cases:
            r = self.agency.post("/api/v1/publications", body)
            self.assertEqual(r.status, 422, (body, r))
            self.assertIn(field, error_fields(r), (body, r))
        self.assertEqual(self.f.fingerprint(), before)

    def test_a_review_is_published_as_a_dataset_once_it_is_published(self):
        review = self.agency.ok("POST", "/api/v1/reviews",
                                {"plan": self.f.plan["PL"], "as_of": "2025-06-30",
                                 "kind": "interim", "title_vi": "Sơ kết"}, expect=201).json()
        early = self.agency.post("/api/v1/publications", {"kind": "review", "subject": review["id"]})
        self.assertEqual(early.status, 409, early)
        self.assertIn("publish the review first", early.json()["detail"])
        self.agency.ok("POST", f"/api/v1/reviews/{review['id']}/publish")
        d = self.publish({"kind": "review", "subject": review["id"]}).json()
        self.assertEqual(d["name"], f"review-{review['id']}")
        self.assertEqual(d["summary"]["as_of"], "2025-06-30")
        self.assertEqual(d["rows"][0][:5], ["status", "PL", "Kế hoạch chuyển đổi số tỉnh P",
                                            "Digital transformation plan of P", "total"])

    def test_list_pages_and_refuses_unknown_parameters(self):
        self.publish({"kind": "scorecards", "subject": "PL", "period": "2025"})
        page = self.agency.ok("GET", "/api/v1/publications?limit=1").json()
        self.assertEqual(page["limit"], 1)
        self.assertEqual(len(page["items"]), 1)
        self.assertGreaterEqual(page["total"], 1)
        for query, field in (("zzz=1", "zzz"), ("limit=0", "limit"), ("offset=-1", "offset")):
            r = self.agency.get(f"/api/v1/publications?{query}")
            self.assertEqual(r.status, 400, (query, r))
            self.assertIn(field, error_fields(r), (query, r))


if __name__ == "__main__":
    harness.main()
