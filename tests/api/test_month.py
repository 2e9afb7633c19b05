"""The accountability loop over a whole month, against the real server and real sinks.

A fixture of a province, its Department of Science and Technology (the plan's standing agency),
two communes and one plan; `planwatch serve --smtp` pointed at an SMTP sink and a webhook
registered at a webhook sink (tests/api/sinks.py). The month: drafts; commune A's report is
submitted, approved (its signed file verifies with `planwatch report verify`), returned by the
standing agency, resubmitted, approved again and accepted; commune B's report is late and climbs
the urging ladder — reminder, notice, explanation request — as POST /urging/run is called with
as_of dates across the month; B answers, then submits. The sinks must receive exactly the
expected messages, by id, once each (one refused delivery on the way is retried with the same id).

Then the same month again, with the server killed (SIGKILL) while a sink hangs in the middle of a
delivery run, and restarted: still exactly the expected messages by id, none lost, and the
interrupted attempt recorded.

The month is placed about three months ahead of the real date, so that the scan `serve` runs at
start (with the real date) has nothing to raise and every rung comes from the as_of scans.
"""

import datetime
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
import sinks

PASSWORD = harness.PASSWORD
SENDER = "planwatch@sonla.gov.vn"
WEBHOOK_SECRET = "khoá-bí-mật-của-máy-nhận-0123456789"
EVENTS = ["urging.reminder", "urging.notice", "urging.explanation_request",
          "urging.inspection_flag"]

UNIT_A, UNIT_B = "XA-CHIENG-MUNG", "XA-MUONG-BON"

# login -> (role, unit code, e-mail)
USERS = {
    "agency_skhcn": ("standing_agency", "SKHCN", "vanphong@skhcn.sonla.gov.vn"),
    "leader_a": ("unit_leader", UNIT_A, "chutich@chiengmung.sonla.gov.vn"),
    "officer_a": ("unit_officer", UNIT_A, "vanthu@chiengmung.sonla.gov.vn"),
    "leader_b": ("unit_leader", UNIT_B, "chutich@muongbon.sonla.gov.vn"),
    "officer_b": ("unit_officer", UNIT_B, "vanthu@muongbon.sonla.gov.vn"),
    "viewer_b": ("viewer", UNIT_B, "nguoixem@muongbon.sonla.gov.vn"),
}


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


class Month:
    """The dates of the scenario: the reported month and the as_of dates of the scans."""

    def __init__(self):
        first = add_months(datetime.date.today(), 3)
        self.first = first
        self.period = f"{first.year}{first.month:02d}"
        self.due = add_months(first, 1).replace(day=20)   # the default schedule: the 20th
        self.plan_end = datetime.date(first.year + 2, 12, 31)
        day = datetime.timedelta(days=1)
        self.quiet = self.due - 10 * day         # before the reminder window
        self.reminder = self.due - 7 * day
        self.notice = self.due + day
        self.explanation = self.due + 10 * day
        # The next month's report enters its reminder window on the 13th of the month after next.
        self.last = add_months(first, 2).replace(day=12)


def write_fixture(directory, month):
    files = {
        "units": [
            "code,name_vi,name_en,type,parent_code,leader_name,valid_from",
            "SL,Tỉnh Sơn La,Son La Province,province,,Nguyễn Văn Sơn,2020-01-01",
            "SKHCN,Sở Khoa học và Công nghệ,Department of Science and Technology,department,SL,,"
            "2020-01-01",
            f"{UNIT_A},Xã Chiềng Mung,Chieng Mung Commune,commune,SL,Lò Văn Mung,2020-01-01",
            f"{UNIT_B},Xã Mường Bon,Muong Bon Commune,commune,SL,Cầm Thị Bon,2020-01-01",
        ],
        "plans": [
            "code,title_vi,title_en,issuer_code,directive_numbers,start,end,standing_agency_code",
            f"KH-57,Kế hoạch thực hiện Nghị quyết 57,Plan for Resolution 57,SL,,{month.first},"
            f"{month.plan_end},SKHCN",
        ],
        "task-groups": [
            "plan_code,code,title_vi,title_en,order",
            "KH-57,G1,Hạ tầng số,Digital infrastructure,1",
        ],
        "tasks": [
            "plan_code,code,group_code,title_vi,title_en,lead_unit_code,coordinating_unit_codes,"
            "kind,assigned_on,deadline,cadence,priority,indicator_codes,classified",
            f"KH-57,NV-A,G1,Số hóa hồ sơ xã Chiềng Mung,Digitise Chieng Mung records,{UNIT_A},,"
            f"deadline,{month.first},{month.plan_end},,0,,false",
            f"KH-57,NV-B,G1,Phủ sóng 4G các bản xã Mường Bon,4G coverage of Muong Bon villages,"
            f"{UNIT_B},,deadline,{month.first},{month.plan_end},,0,,false",
        ],
    }
    db = harness.new_database(directory, "month.db")
    harness.run_cli("init", "--db", db)
    for kind in ("units", "plans", "task-groups", "tasks"):
        path = os.path.join(directory, f"{kind}.csv")
        with open(path, "w", encoding="utf-8") as out:
            out.write("\n".join(files[kind]) + "\n")
        harness.run_cli("import", "--db", db, "--kind", kind, path)
    harness.run_cli("user", "add", "--db", db, "--login", "admin_sl", "--role", "admin", "--unit",
                    "SL", "--name", "Quản trị tỉnh", stdin=(PASSWORD + "\n").encode())
    return db


class MonthServer(harness.Server):
    """`planwatch serve` with the SMTP relay at the sink, retries after 1 s."""

    # Not super().__init__(): that starts serve without the relay options.
    def __init__(self, db, workdir, smtp_port):  # pylint: disable=super-init-not-called
        self.db = db
        self.stderr_path = os.path.join(workdir, "server.stderr")
        self._stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            [harness.binary(), "serve", "--db", db, "--port", "0", "--bind", "127.0.0.1",
             "--smtp", f"127.0.0.1:{smtp_port}", "--smtp-from", SENDER,
             "--delivery-backoff", "1", "--delivery-lease", "15", "--urging-interval", "86400"],
            stdout=subprocess.PIPE, stderr=self._stderr, cwd=workdir)
        line = self.proc.stdout.readline().decode()
        prefix = f"planwatch serving {db} on http://127.0.0.1:"
        if not line.startswith(prefix):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"unexpected first line from serve: {line!r}; {self.stderr()}")
        self.port = int(line[len(prefix):].strip().rstrip("/"))
        self.signalled = False

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self._stderr.close()


class MonthTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pw-month-")
        self.month = Month()
        self.db = write_fixture(self.dir, self.month)
        self.smtp = sinks.SmtpSink()
        self.hooks = sinks.WebhookSink(secret=WEBHOOK_SECRET)
        self.server = MonthServer(self.db, self.dir, self.smtp.port)
        self.connect()

    def tearDown(self):
        self.smtp.close()
        self.hooks.close()
        if self.server.proc.poll() is None:
            self.server.proc.kill()
            self.server.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def connect(self):
        """Signed-in clients of the current server (again after a restart: a new port)."""
        port = self.server.port
        self.admin = harness.Client(port).login("admin_sl")
        self.ids = {}
        self.ids["unit"] = {u["code"]: u["id"] for u in
                            self.admin.ok("GET", "/api/v1/org-units?limit=100").json()["items"]}
        self.ids["plan"] = {p["code"]: p["id"] for p in
                            self.admin.ok("GET", "/api/v1/plans?limit=100").json()["items"]}
        self.c = {}

    def client(self, login):
        if login not in self.c:
            self.c[login] = harness.Client(self.server.port).login(login)
        return self.c[login]

    # ---- the pieces of the month ----

    def create_users_and_webhook(self):
        self.user_id = {}
        for login, (role, unit, email) in USERS.items():
            r = self.admin.ok("POST", "/api/v1/users",
                              {"login": login, "password": PASSWORD, "role": role,
                               "unit": self.ids["unit"][unit], "display_name": login.title(),
                               "email": email}, expect=201)
            self.user_id[login] = r.json()["id"]
        r = self.admin.ok("POST", "/api/v1/webhooks",
                          {"url": self.hooks.url, "events": EVENTS, "secret": WEBHOOK_SECRET},
                          expect=201)
        self.hook_id = r.json()["id"]

    def start_report(self, login, unit, results):
        officer = self.client(login)
        r = officer.ok("POST", "/api/v1/reports",
                       {"plan": self.ids["plan"]["KH-57"], "unit": self.ids["unit"][unit],
                        "period": self.month.period}, expect=201)
        self.assertEqual(r.json()["state"], "draft")
        self.assertEqual(r.json()["due_on"], self.month.due.isoformat())
        rid = r.json()["id"]
        r = officer.ok("PATCH", f"/api/v1/reports/{rid}", {"results": results},
                       if_match=r.header("ETag"))
        return rid

    def act(self, login, rid, action, body=None):
        client = self.client(login)
        etag = client.ok("GET", f"/api/v1/reports/{rid}").header("ETag")
        return client.ok("POST", f"/api/v1/reports/{rid}/{action}", body or {},
                         if_match=etag).json()

    def verify_signed_file(self, rid, expect_state):
        signed = self.client("officer_a").ok("GET", f"/api/v1/reports/{rid}/signed")
        path = os.path.join(self.dir, f"signed-{rid}-{expect_state}.json")
        with open(path, "wb") as out:
            out.write(signed.body)
        summary = harness.run_cli("report", "verify", path).decode()
        self.assertTrue(summary.startswith(f"valid: report {UNIT_A} {self.month.period} rev 1, "
                                           f"signed by "), summary)
        self.assertIn("(leader_a)", summary)

    def report_a_whole_lifecycle(self, rid):
        """Submit, approve (signed), return by the standing agency, resubmit, approve, accept."""
        self.assertEqual(self.act("officer_a", rid, "submit")["state"], "submitted")
        approved = self.act("leader_a", rid, "approve")
        self.assertEqual(approved["state"], "approved")
        self.assertEqual(approved["signature"]["signer_login"], "leader_a")
        self.verify_signed_file(rid, "approved")
        returned = self.act("agency_skhcn", rid, "return",
                            {"comment": "Bổ sung số hồ sơ đã số hóa trong tháng"})
        self.assertEqual(returned["state"], "returned")
        officer = self.client("officer_a")
        etag = officer.ok("GET", f"/api/v1/reports/{rid}").header("ETag")
        officer.ok("PATCH", f"/api/v1/reports/{rid}",
                   {"results": "Đã số hóa 1.240 hồ sơ (bổ sung theo yêu cầu)"}, if_match=etag)
        self.assertEqual(self.act("officer_a", rid, "submit")["state"], "submitted")
        self.assertEqual(self.act("leader_a", rid, "approve")["state"], "approved")
        accepted = self.act("agency_skhcn", rid, "accept")
        self.assertEqual(accepted["state"], "accepted")
        self.verify_signed_file(rid, "accepted")
        actions = [e["action"] for e in
                   self.client("officer_a").ok("GET", f"/api/v1/reports/{rid}/events")
                   .json()["items"]]
        self.assertEqual([a for a in actions if a != "edit"],
                         ["create", "submit", "approve", "return", "submit", "approve", "accept"])

    def scan(self, as_of, expect_rungs):
        """POST /urging/run as of `as_of`; the rungs raised must be `expect_rungs`, all for B's
        report. Returns the urgings raised."""
        r = self.admin.ok("POST", "/api/v1/urging/run", {"as_of": as_of.isoformat()}).json()
        self.assertEqual(r["as_of"], as_of.isoformat())
        self.assertEqual([u["rung"] for u in r["items"]], expect_rungs, r)
        for u in r["items"]:
            self.assertEqual(u["subject"], "report")
            self.assertEqual(u["unit"]["code"], UNIT_B)
            self.assertEqual(u["period"], self.month.period)
            self.assertEqual(u["due_on"], self.month.due.isoformat())
        self.assertEqual(r["emails"], 2 * len(expect_rungs))   # B's leader and officer
        self.assertEqual(r["webhooks"], len(expect_rungs))
        return r["items"]

    def expect_messages(self, urgings):
        """Records what `urgings` must deliver: two e-mails and one webhook each."""
        for u in urgings:
            for login in ("leader_b", "officer_b"):
                message_id = f"<urging-{u['id']}-email-{self.user_id[login]}@planwatch>"
                self.expected_emails[message_id] = (u, USERS[login][2])
            self.expected_hooks[f"urging-{u['id']}-webhook-{self.hook_id}"] = u

    def await_delivery(self):
        """Waits until every expected message arrived at the sinks."""
        emails, hooks = set(self.expected_emails), set(self.expected_hooks)
        self.assertTrue(self.smtp.wait(lambda s: emails <= set(s.messages), timeout=60),
                        f"e-mails missing: {emails - set(self.smtp.messages)}; "
                        f"{self.server.stderr()}")
        self.assertTrue(self.hooks.wait(lambda s: hooks <= set(s.deliveries), timeout=60),
                        f"webhooks missing: {hooks - set(self.hooks.deliveries)}; "
                        f"{self.server.stderr()}")

    def kill_mid_delivery_and_restart(self):
        """Once a delivery hangs at a sink, SIGKILL the server and start it again. Returns the
        id of the delivery that hung."""
        deadline = time.monotonic() + 60
        while not (self.smtp.hung or self.hooks.hung):
            self.assertLess(time.monotonic(), deadline, "no delivery reached a sink")
            time.sleep(0.05)
        hung = (self.smtp.hung + self.hooks.hung)[0]
        self.server.kill()
        self.smtp.release()
        self.hooks.release()
        self.server = MonthServer(self.db, self.dir, self.smtp.port)
        self.connect()
        return hung

    # ---- the month ----

    def run_month(self, kill):
        m = self.month
        self.expected_emails, self.expected_hooks = {}, {}
        self.create_users_and_webhook()

        rid_a = self.start_report("officer_a", UNIT_A, "Đã số hóa 1.200 hồ sơ")
        rid_b = self.start_report("officer_b", UNIT_B, "Đang lắp trạm 4G bản Nà Sành")

        self.scan(m.quiet, [])
        self.report_a_whole_lifecycle(rid_a)

        # The reminder: the relay refuses the first e-mail once (451); it is retried, same id.
        self.smtp.fail_next(1)
        self.expect_messages(self.scan(m.reminder, ["reminder"]))
        self.await_delivery()
        self.assertEqual(len(self.smtp.refused), 1)
        self.assertIn(self.smtp.refused[0], self.expected_emails)

        self.scan(m.due, [])

        # The notice: a webhook refused once (503) — or the server killed mid-delivery.
        hung = None
        if kill:
            self.smtp.hang()
            self.hooks.hang()
        else:
            self.hooks.fail_next(1)
        self.expect_messages(self.scan(m.notice, ["notice"]))
        if kill:
            hung = self.kill_mid_delivery_and_restart()
            self.assertIn(hung, set(self.expected_emails) | set(self.expected_hooks))
        self.await_delivery()
        if not kill:
            self.assertEqual(len(self.hooks.refused), 1)

        # The explanation request, answered by B's leader; then B's report comes in, late.
        explanation = self.scan(m.explanation, ["explanation_request"])
        self.expect_messages(explanation)
        self.await_delivery()
        answered = self.client("leader_b").ok(
            "POST", f"/api/v1/urgings/{explanation[0]['id']}/answer",
            {"text": "Trạm 4G chậm do đường vào bản Nà Sành bị sạt lở; đã khắc phục."}).json()
        self.assertEqual(answered["answered_by"], "leader_b")
        self.assertEqual(self.act("officer_b", rid_b, "submit")["state"], "submitted")
        self.assertEqual(self.act("leader_b", rid_b, "approve")["state"], "approved")

        self.scan(m.last, [])

        # Exactly the expected messages, by id, each accepted once.
        self.await_delivery()
        self.assertEqual(set(self.smtp.messages), set(self.expected_emails))
        self.assertEqual(set(self.hooks.deliveries), set(self.expected_hooks))
        self.assertEqual(sorted(self.smtp.accepted_ids), sorted(self.expected_emails))
        self.assertEqual(sorted(self.hooks.accepted_ids), sorted(self.expected_hooks))
        self.assertEqual(self.hooks.bad_signatures, [])
        self.check_contents()
        self.check_outbox(hung)
        self.assertEqual(self.server.stop(), 0, self.server.stderr())

    def check_contents(self):
        for message_id, (urging, address) in self.expected_emails.items():
            got = self.smtp.messages[message_id]
            self.assertEqual(got.sender, SENDER)
            self.assertEqual(got.from_, SENDER)
            self.assertEqual(got.recipients, [address])
            self.assertEqual(got.to, address)
            self.assertTrue(got.subject.startswith("[planwatch] "), got.subject)
            self.assertTrue(got.subject.endswith(f": KH-57 {self.month.period}"), got.subject)
            self.assertEqual(got.text,
                             f"{urging['message']}\n\nXem / View: /api/v1/urgings/{urging['id']}\n")
        for delivery_id, urging in self.expected_hooks.items():
            got = self.hooks.deliveries[delivery_id]
            self.assertEqual(got.event, f"urging.{urging['rung']}")
            self.assertEqual(got.path, "/hooks/planwatch")
            self.assertEqual(got.json["event"], got.event)
            self.assertEqual(got.json["delivery_id"], delivery_id)
            self.assertEqual(got.json["urging"]["id"], urging["id"])
            self.assertEqual(got.json["urging"]["unit"]["code"], UNIT_B)

    def check_outbox(self, hung):
        rows = self.admin.ok("GET", "/api/v1/deliveries?limit=500").json()["items"]
        self.assertEqual(len(rows), len(self.expected_emails) + len(self.expected_hooks))
        self.assertEqual({r["state"] for r in rows}, {"delivered"})
        by_key = {r["idempotency_key"]: r for r in rows}
        self.assertEqual(set(by_key), {k[1:-len("@planwatch>")] for k in self.expected_emails} |
                         set(self.expected_hooks))
        # The reminder's refused e-mail, and the notice's refused webhook or hung delivery.
        logs = sorted([a["outcome"] for a in r["attempt_log"]] for r in rows if r["attempts"] > 1)
        second = ["interrupted", "delivered"] if hung else ["retry", "delivered"]
        self.assertEqual(logs, sorted([["retry", "delivered"], second]))
        if hung:
            key = hung[1:-len("@planwatch>")] if hung.startswith("<") else hung
            self.assertEqual([a["outcome"] for a in by_key[key]["attempt_log"]],
                             ["interrupted", "delivered"])

    def test_a_month_of_reports_and_urgings(self):
        self.run_month(kill=False)

    def test_a_month_with_the_server_killed_mid_delivery(self):
        self.run_month(kill=True)


if __name__ == "__main__":
    harness.main()
