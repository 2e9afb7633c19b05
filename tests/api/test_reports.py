"""Periodic reports through the API: the whole lifecycle (draft, submit, approve with a signature,
return, resubmit, accept, revise), the signed file and its offline check, the inbox of each role,
the report schedule, compliance figures, and the errors of each step.
"""

import os
import subprocess
import tempfile
import unittest

import harness
from harness import setUpModule, tearDownModule  # noqa: F401


class ReportsTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.officer = cls.f.client("unit_officer_c1")
        cls.leader = cls.f.client("unit_leader_c1")
        cls.agency = cls.f.client("agency_d")
        cls.viewer_c2 = cls.f.client("viewer_c2")
        cls.steering = cls.f.client("steering_c1")

    def create(self, period, client=None, plan="PL", unit="C1", expect=201):
        c = client or self.officer
        return c.ok("POST", "/api/v1/reports",
                    {"plan": self.f.plan[plan], "unit": self.f.unit[unit], "period": period},
                    expect=expect)

    def act(self, client, rid, action, etag, body=None, expect=200):
        return client.ok("POST", f"/api/v1/reports/{rid}/{action}", body or {}, if_match=etag,
                         expect=expect)

    def test_lifecycle_return_resubmit_accept_and_revise(self):
        r = self.create("202510")
        body, etag = r.json(), r.header("ETag")
        rid = body["id"]
        self.assertEqual(body["state"], "draft")
        self.assertEqual(body["due_on"], "2025-11-20")
        self.assertEqual(body["revision"], 1)
        self.assertEqual(body["unit_code"], "C1")
        codes = [t["code"] for t in body["content"]["tasks"]]
        self.assertEqual(codes, ["T-C1", "T-SECRET", "T-REC"])
        path = f"/api/v1/reports/{rid}"
        self.assertEqual(self.officer.get(path, headers={"If-None-Match": etag}).status, 304)

        # Edits need the current ETag.
        self.assertEqual(self.officer.patch(path, {"results": "x"}).status, 428)
        r = self.officer.ok("PATCH", path, {"results": "Đã số hóa 1.200 hồ sơ",
                                            "difficulties": "Thiếu máy quét"}, if_match=etag)
        stale, etag = etag, r.header("ETag")
        self.assertEqual(self.officer.patch(path, {"results": "y"}, if_match=stale).status, 412)
        self.assertEqual(r.json()["content"]["narrative"]["results"], "Đã số hóa 1.200 hồ sơ")
        too_long = self.officer.patch(path, {"results": "a" * 8001}, if_match=etag)
        self.assertEqual(too_long.status, 422, too_long)

        # An officer may not approve; a draft cannot be approved.
        self.assertEqual(self.officer.post(f"{path}/approve", {}, if_match=etag).status, 403)
        refused = self.leader.post(f"{path}/approve", {}, if_match=etag)
        self.assertEqual(refused.status, 409, refused)
        self.assertIn("draft", refused.json()["detail"])
        self.assertIn("approve", refused.json()["detail"])
        self.assertEqual(self.officer.get(f"{path}/signed").status, 409)

        r = self.act(self.officer, rid, "submit", etag)
        self.assertEqual(r.json()["state"], "submitted")
        first_submitted = r.json()["first_submitted_at"]
        self.assertIsNotNone(first_submitted)
        self.assertEqual(r.json()["content"]["submitted_by"], "unit_officer_c1")
        r = self.act(self.leader, rid, "approve", r.header("ETag"))
        self.assertEqual(r.json()["state"], "approved")
        self.assertEqual(r.json()["signature"]["signer_login"], "unit_leader_c1")
        self.assertEqual(r.json()["signature"]["algorithm"], "ed25519")

        signed = self.officer.ok("GET", f"{path}/signed")
        self.assertTrue(signed.header("Content-Type").startswith("application/json"))
        self.assertIn('filename="report-C1-202510-r1.json"', signed.header("Content-Disposition"))
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "report.json")
            with open(good, "wb") as out:
                out.write(signed.body)
            done = subprocess.run([harness.binary(), "report", "verify", good],
                                  capture_output=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            tampered = os.path.join(d, "tampered.json")
            with open(tampered, "wb") as out:
                out.write(signed.body.replace("Đã số hóa 1.200".encode(), "Đã số hóa 9.200".encode()))
            done = subprocess.run([harness.binary(), "report", "verify", tampered],
                                  capture_output=True, timeout=60)
            self.assertNotEqual(done.returncode, 0)

        # The leader returns only what is submitted; the standing agency returns this one.
        etag = r.header("ETag")
        self.assertEqual(self.leader.post(f"{path}/return", {"comment": "x"}, if_match=etag).status,
                         403)
        no_comment = self.agency.post(f"{path}/return", {}, if_match=etag)
        self.assertEqual(no_comment.status, 422, no_comment)
        self.assertIn("comment", {e["field"] for e in no_comment.json()["errors"]})
        r = self.act(self.agency, rid, "return", etag, {"comment": "Bổ sung số liệu tháng 10"})
        self.assertEqual(r.json()["state"], "returned")
        self.assertIsNone(r.json()["signature"])

        r = self.officer.ok("PATCH", path, {"proposals": "Hỗ trợ máy quét"},
                            if_match=r.header("ETag"))
        r = self.act(self.officer, rid, "submit", r.header("ETag"))
        self.assertEqual(r.json()["first_submitted_at"], first_submitted)
        r = self.act(self.leader, rid, "approve", r.header("ETag"))
        self.assertEqual(self.leader.post(f"{path}/accept", {}, if_match=r.header("ETag")).status,
                         403)
        r = self.act(self.agency, rid, "accept", r.header("ETag"))
        accepted = r.json()
        self.assertEqual(accepted["state"], "accepted")
        frozen = self.officer.patch(path, {"results": "sửa"}, if_match=r.header("ETag"))
        self.assertEqual(frozen.status, 409, frozen)
        self.assertIn("accepted", frozen.json()["detail"])

        r2 = self.act(self.officer, rid, "revise", r.header("ETag"),
                      {"comment": "Sửa số liệu"}, expect=201)
        self.assertEqual(r2.json()["revision"], 2)
        self.assertEqual(r2.json()["supersedes"], rid)
        self.assertEqual(r2.json()["state"], "draft")
        self.assertEqual(self.officer.ok("GET", path).json(), accepted)
        again = self.officer.post(f"{path}/revise", {}, if_match=r.header("ETag"))
        self.assertEqual(again.status, 409, again)

        events = self.steering.ok("GET", f"{path}/events").json()["items"]
        self.assertEqual([(e["action"], e["from"], e["to"]) for e in events], [
            ("create", None, "draft"), ("edit", "draft", "draft"),
            ("submit", "draft", "submitted"), ("approve", "submitted", "approved"),
            ("return", "approved", "returned"), ("edit", "returned", "returned"),
            ("submit", "returned", "submitted"), ("approve", "submitted", "approved"),
            ("accept", "approved", "accepted")])
        self.assertEqual(events[4]["actor"], "agency_d")
        self.assertEqual(events[4]["comment"], "Bổ sung số liệu tháng 10")

    def test_inbox_of_each_role(self):
        draft = self.create("202401").json()["id"]
        r = self.create("202402")
        r = self.act(self.officer, r.json()["id"], "submit", r.header("ETag"))
        submitted = r.json()["id"]
        r = self.create("202403")
        r = self.act(self.officer, r.json()["id"], "submit", r.header("ETag"))
        r = self.act(self.leader, r.json()["id"], "approve", r.header("ETag"))
        approved = r.json()["id"]

        def inbox(client):
            items = client.ok("GET", "/api/v1/reports?inbox=true&limit=1000").json()["items"]
            return {i["id"] for i in items} & {draft, submitted, approved}

        self.assertEqual(inbox(self.officer), {draft})
        self.assertEqual(inbox(self.leader), {draft, submitted})
        self.assertEqual(inbox(self.agency), {approved})
        self.assertEqual(inbox(self.steering), set())
        self.assertEqual(inbox(self.viewer_c2), set())
        listed = self.steering.ok("GET", "/api/v1/reports?period=202402").json()
        self.assertEqual([i["id"] for i in listed["items"]], [submitted])
        self.assertNotIn("content", listed["items"][0])
        self.assertEqual(self.viewer_c2.ok("GET", "/api/v1/reports?period=202402").json()["total"], 0)

    def test_errors_name_what_is_wrong(self):
        quarterly = self.create("2024Q1", expect=422)
        self.assertIn("period", {e["field"] for e in quarterly.json()["errors"]})
        r = self.create("202404")
        rid = r.json()["id"]
        dup = self.create("202404", expect=409)
        self.assertIn("202404", dup.json()["detail"])
        self.assertEqual(self.viewer_c2.get(f"/api/v1/reports/{rid}").status, 404)
        viewer = self.f.client("viewer_c1")
        self.assertEqual(viewer.get(f"/api/v1/reports/{rid}").status, 200)
        self.assertEqual(viewer.post(f"/api/v1/reports/{rid}/submit", {},
                                     if_match=r.header("ETag")).status, 403)
        self.assertEqual(self.create("202405", client=self.agency, expect=403).status, 403)
        bad = self.officer.get("/api/v1/reports?state=done")
        self.assertEqual(bad.status, 400, bad)
        self.assertIn("state", {e["field"] for e in bad.json()["errors"]})
        self.assertEqual(self.officer.get("/api/v1/reports/compliance?period=2025").status, 400)

    def test_schedule_decides_the_periods_and_due_dates(self):
        agency_c1 = self.f.client("standing_agency_c1")
        path = f"/api/v1/plans/{self.f.plan['PX-C1']}/report-schedule"
        r = self.officer.ok("GET", path)
        self.assertEqual(r.json(), {"plan": self.f.plan["PX-C1"], "default": True,
                                    "items": [{"period_type": "monthly", "due_day": 20}]})
        new = {"items": [{"period_type": "quarterly", "due_day": 10}]}
        self.assertEqual(self.officer.put(path, new, if_match=r.header("ETag")).status, 403)
        self.assertEqual(agency_c1.put(path, new).status, 428)
        bad = agency_c1.put(path, {"items": [{"period_type": "monthly", "due_day": 31}]},
                            if_match=r.header("ETag"))
        self.assertEqual(bad.status, 422, bad)
        self.assertIn("items[0].due_day", {e["field"] for e in bad.json()["errors"]})
        r = agency_c1.ok("PUT", path, new, if_match=r.header("ETag"))
        self.assertEqual(r.json()["default"], False)
        q = self.create("2025Q4", plan="PX-C1").json()
        self.assertEqual(q["due_on"], "2026-01-10")
        self.create("202510", plan="PX-C1", expect=422)

    def test_compliance_counts_what_was_submitted(self):
        # 2030's due dates are all ahead: only a submission can be judged, and it is on time.
        r = self.create("203010")
        self.act(self.officer, r.json()["id"], "submit", r.header("ETag"))
        query = f"/api/v1/reports/compliance?plan={self.f.plan['PL']}&period=2030Q4"
        rows = {row["unit_code"]: row for row in self.agency.ok("GET", query).json()["items"]}
        self.assertIn("C2", rows)
        c1 = rows["C1"]
        self.assertEqual((c1["expected"], c1["submitted"], c1["on_time"], c1["late"],
                          c1["missing"], c1["not_yet_due"], c1["due"]), (3, 1, 1, 0, 0, 2, 1))
        self.assertEqual(c1["timeliness"], 1.0)
        self.assertIsNotNone(c1["last_submitted_at"])
        self.assertIsNone(rows["C2"]["timeliness"])
        self.assertEqual(rows["C2"]["not_yet_due"], 3)
        own = self.viewer_c2.ok("GET", query).json()["items"]
        self.assertEqual([row["unit_code"] for row in own], ["C2"])


if __name__ == "__main__":
    harness.main()
