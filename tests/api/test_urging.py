"""The urging ladder through the HTTP API: each plan's rules, the scan on demand (idempotent,
catching up missed days), urgings and their answers, the notification centre, webhooks delivered
to a signing-checking sink by the server's background worker, e-mails left pending without an
SMTP relay, and users' e-mail addresses.

Subjects are tasks created here in PX-C1 (standing agency C1) with deadlines in 2029, so that the
scan the server runs at start (on the real date) has not reached them; scans run as
standing_agency_c1, which administers PX-C1 and PX-V1 only.
"""

import itertools
import time
import unittest

import harness
from harness import setUpModule, tearDownModule  # noqa: F401
from sinks import WebhookSink

_codes = itertools.count(1)


def new_task(f, deadline):
    """A deadline task of PX-C1 led by C1, created by its standing agency."""
    agency = f.client("standing_agency_c1")
    return agency.ok("POST", "/api/v1/tasks", {
        "plan": f.plan["PX-C1"], "code": f"DD-{next(_codes)}", "title_vi": "Nhiệm vụ đôn đốc",
        "title_en": "Urged task", "lead_unit": f.unit["C1"], "assigned_on": "2025-02-01",
        "deadline": deadline}, expect=201).json()


def run(f, as_of, login="standing_agency_c1"):
    return f.client(login).ok("POST", "/api/v1/urging/run", {"as_of": as_of}).json()


def of_task(items, task):
    return [u for u in items if u["task"] == task["id"]]


class UrgingRulesTest(unittest.TestCase):
    def test_rules_are_read_by_everyone_and_set_by_the_plans_administrators(self):
        f = harness.fixture()
        plan = f.plan["PX-C1"]
        r = f.client("viewer_c1").ok("GET", f"/api/v1/plans/{plan}/urging-rules").json()
        self.assertEqual(r["reminder_days_before"], 7)
        self.assertEqual(r["inspection_days_after"], 30)
        rules = {"reminder_days_before": 7, "notice_days_after": 1,
                 "explanation_days_after": 10, "inspection_days_after": 30}
        self.assertEqual(f.client("unit_officer_c1").put(
            f"/api/v1/plans/{plan}/urging-rules", rules).status, 403)
        bad = f.client("standing_agency_c1").put(
            f"/api/v1/plans/{plan}/urging-rules", dict(rules, explanation_days_after=1))
        self.assertEqual(bad.status, 422)
        self.assertIn("explanation_days_after", {e["field"] for e in bad.json()["errors"]})
        done = f.client("standing_agency_c1").ok(
            "PUT", f"/api/v1/plans/{plan}/urging-rules", rules).json()
        self.assertEqual(done["default"], False)
        self.assertEqual(f.client("viewer_c1").get("/api/v1/plans/999999/urging-rules").status,
                         404)


class LadderTest(unittest.TestCase):
    def test_scan_raises_each_rung_once_and_the_unit_answers(self):
        f = harness.fixture()
        task = new_task(f, "2029-03-31")
        first = run(f, "2029-03-25")
        self.assertEqual([u["rung"] for u in of_task(first["items"], task)], ["reminder"])
        reminder = of_task(first["items"], task)[0]
        self.assertEqual(reminder["unit"]["code"], "C1")
        self.assertEqual(reminder["due_on"], "2029-03-31")
        self.assertIn("đến hạn ngày 31/03/2029", reminder["message"])
        self.assertIn("is due on 2029-03-31", reminder["message"])
        self.assertEqual(run(f, "2029-03-25")["raised"], 0)

        # Missed days: the notice and the explanation request come together.
        later = run(f, "2029-04-15")
        rungs = [u["rung"] for u in of_task(later["items"], task)]
        self.assertEqual(rungs, ["notice", "explanation_request"])
        request = of_task(later["items"], task)[1]
        notice = of_task(later["items"], task)[0]

        officer = f.client("unit_officer_c1")
        open_ids = [u["id"] for u in officer.ok("GET", "/api/v1/urgings?open=true&limit=500")
                    .json()["items"]]
        self.assertIn(request["id"], open_ids)
        self.assertEqual(f.client("unit_officer_c1").get(
            f"/api/v1/urgings/{request['id']}").json()["rung"], "explanation_request")
        self.assertEqual(f.client("viewer_c2").get(f"/api/v1/urgings/{request['id']}").status, 404)

        self.assertEqual(f.client("viewer_c1").post(
            f"/api/v1/urgings/{request['id']}/answer", {"text": "x"}).status, 403)
        self.assertEqual(officer.post(f"/api/v1/urgings/{notice['id']}/answer",
                                      {"text": "x"}).status, 409)
        empty = officer.post(f"/api/v1/urgings/{request['id']}/answer", {"text": "  "})
        self.assertEqual(empty.status, 422)
        answered = officer.ok("POST", f"/api/v1/urgings/{request['id']}/answer",
                              {"text": "Chờ bố trí kinh phí"}).json()
        self.assertEqual(answered["answer"], "Chờ bố trí kinh phí")
        self.assertEqual(answered["answered_by"], "unit_officer_c1")
        again = f.client("unit_leader_c1").post(f"/api/v1/urgings/{request['id']}/answer",
                                                {"text": "Lần hai"})
        self.assertEqual(again.status, 409)

    def test_only_admins_and_standing_agencies_run_the_scan(self):
        f = harness.fixture()
        for login in ("unit_officer_c1", "viewer_c1", "steering_c1"):
            r = f.client(login).post("/api/v1/urging/run", {"as_of": "2029-01-01"})
            self.assertEqual(r.status, 403, login)
        bad = f.client("admin_p").post("/api/v1/urging/run", {"as_of": "2029-02-30"})
        self.assertEqual(bad.status, 422)
        self.assertEqual(bad.json()["errors"][0]["field"], "as_of")

    def test_notification_centre_is_the_callers_own(self):
        f = harness.fixture()
        task = new_task(f, "2029-05-31")
        run(f, "2029-05-26")
        leader = f.client("unit_leader_c1")
        page = leader.ok("GET", "/api/v1/notifications?unread=true&limit=500").json()
        mine = [n for n in page["items"] if n["title"].endswith(": " + task["code"])]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["title"], f"Nhắc việc / Reminder: {task['code']}")
        self.assertEqual(mine[0]["source"], "urging")
        unread = leader.ok("GET", "/api/v1/notifications/unread-count").json()["unread"]
        self.assertGreaterEqual(unread, 1)
        self.assertEqual(f.client("unit_officer_c1").post(
            f"/api/v1/notifications/{mine[0]['id']}/read").status, 404)
        read = leader.ok("POST", f"/api/v1/notifications/{mine[0]['id']}/read").json()
        self.assertIsNotNone(read["read_at"])
        self.assertEqual(leader.ok("GET", "/api/v1/notifications/unread-count").json()["unread"],
                         unread - 1)
        marked = leader.ok("POST", "/api/v1/notifications/read-all").json()["marked"]
        self.assertEqual(marked, unread - 1)
        self.assertEqual(leader.ok("GET", "/api/v1/notifications/unread-count").json()["unread"], 0)
        self.assertEqual(leader.get("/api/v1/notifications?unread=maybe").status, 400)


class DeliveryTest(unittest.TestCase):
    def test_webhooks_are_signed_and_delivered_and_emails_wait_for_a_relay(self):
        f = harness.fixture()
        admin = f.client("admin_p")
        # An e-mail address for C1's officer (the users API validates it).
        users = admin.ok("GET", "/api/v1/users?q=unit_officer_c1").json()["items"]
        officer_id = [u for u in users if u["login"] == "unit_officer_c1"][0]["id"]
        current = admin.ok("GET", f"/api/v1/users/{officer_id}")
        bad = admin.patch(f"/api/v1/users/{officer_id}", {"email": "not an address"},
                          if_match=current.header("ETag"))
        self.assertEqual(bad.status, 422)
        self.assertEqual(bad.json()["errors"][0]["field"], "email")
        user = admin.ok("PATCH", f"/api/v1/users/{officer_id}", {"email": "officer@c1.gov.vn"},
                        if_match=current.header("ETag")).json()
        self.assertEqual(user["email"], "officer@c1.gov.vn")

        sink = WebhookSink()
        try:
            self.assertEqual(f.client("admin_c1").post(
                "/api/v1/webhooks", {"url": sink.url, "events": ["urging.notice"]}).status, 403)
            hook = admin.ok("POST", "/api/v1/webhooks",
                            {"url": sink.url, "events": ["urging.notice"]}, expect=201).json()
            sink.secret = hook["secret"]
            listed = admin.ok("GET", "/api/v1/webhooks").json()["items"]
            self.assertNotIn("secret", [k for h in listed for k in h])

            task = new_task(f, "2029-08-31")
            notice = [u for u in of_task(run(f, "2029-09-02")["items"], task)
                      if u["rung"] == "notice"][0]
            key = f"urging-{notice['id']}-webhook-{hook['id']}"
            sink.wait(lambda s: key in s.deliveries, timeout=30)
            delivery = sink.deliveries[key]
            self.assertEqual(delivery.event, "urging.notice")
            self.assertEqual(delivery.json["urging"]["id"], notice["id"])
            self.assertEqual(delivery.json["delivery_id"], key)
            self.assertEqual(sink.bad_signatures, [])

            # The sink holds the post before it answers; the outcome is recorded after that.
            for _ in range(100):
                rows = admin.ok("GET", "/api/v1/deliveries?channel=webhook&limit=500").json()
                row = [r for r in rows["items"] if r["idempotency_key"] == key][0]
                if row["state"] != "sending":
                    break
                time.sleep(0.1)
            self.assertEqual(row["state"], "delivered")
            self.assertEqual([a["outcome"] for a in row["attempt_log"]], ["delivered"])
            mails = admin.ok("GET", "/api/v1/deliveries?channel=email&limit=500").json()["items"]
            mail = [r for r in mails if r["urging"] == notice["id"]]
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail[0]["destination"], "officer@c1.gov.vn")
            self.assertEqual(mail[0]["state"], "pending")  # no --smtp: left for a relay
            self.assertEqual(mail[0]["attempt_log"], [])
            self.assertEqual(f.client("admin_c1").get("/api/v1/deliveries").status, 403)
            self.assertEqual(admin.get("/api/v1/deliveries?state=lost").status, 400)

            admin.ok("DELETE", f"/api/v1/webhooks/{hook['id']}", expect=204)
            self.assertEqual(admin.delete(f"/api/v1/webhooks/{hook['id']}").status, 404)
        finally:
            sink.close()

    def test_new_users_may_carry_an_email_address(self):
        f = harness.fixture()
        admin = f.client("admin_p")
        body = {"login": "mail.user", "password": harness.PASSWORD, "role": "unit_officer",
                "unit": f.unit["C2"], "email": "mail@c2.gov.vn"}
        bad = admin.post("/api/v1/users", dict(body, email="a@b"))
        self.assertEqual(bad.status, 422)
        self.assertEqual(bad.json()["errors"][0]["field"], "email")
        created = admin.ok("POST", "/api/v1/users", body, expect=201).json()
        self.assertEqual(created["email"], "mail@c2.gov.vn")


if __name__ == "__main__":
    unittest.main()
