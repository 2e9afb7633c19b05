"""Public feedback through the HTTP API: the proof-of-work challenge (solved here with hashlib), the
rate limits per client address and overall, targets that must be live and unclassified,
moderation by the plan's administrators, and the published view that never shows a contact.

The server runs with `--feedback-difficulty 4` so that solving takes a few dozen hashes.
"""

import datetime
import os
import subprocess
import unittest

import harness
from access_feedback import call_from, challenge, fresh_address, solve, submission, submit

DIFFICULTY = 4
SERVER = harness.Server  # kept: setUpModule swaps harness.Server while the fixture starts


def serve(db, workdir, name):
    """`planwatch serve` on the fixture database with a small challenge difficulty."""
    server = SERVER.__new__(SERVER)
    server.db = db
    server.stderr_path = os.path.join(workdir, f"{name}.stderr")
    server._stderr = open(server.stderr_path, "wb")
    server.proc = subprocess.Popen(
        [harness.binary(), "serve", "--db", db, "--port", "0", "--bind", "127.0.0.1",
         "--feedback-difficulty", str(DIFFICULTY)],
        stdout=subprocess.PIPE, stderr=server._stderr, cwd=workdir)
    line = server.proc.stdout.readline().decode()
    prefix = f"planwatch serving {db} on http://127.0.0.1:"
    if not line.startswith(prefix):
        server.proc.kill()
        server.proc.wait()
        raise RuntimeError(f"unexpected first line from serve: {line!r}; {server.stderr()}")
    server.port = int(line[len(prefix):].strip().rstrip("/"))
    server.signalled = False
    return server


_fixture = None


def setUpModule():
    global _fixture
    original = harness.Server
    harness.Server = lambda db, workdir: serve(db, workdir, "server")
    try:
        _fixture = harness.Fixture()
    finally:
        harness.Server = original


def tearDownModule():
    global _fixture
    f, _fixture = _fixture, None
    if f is not None:
        f.close()


def error_fields(r):
    return {e.get("field") for e in r.json().get("errors", [])}


class FeedbackTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = _fixture
        cls.public = cls.f.anonymous()
        cls.agency = cls.f.client("agency_d")  # standing agency D administers PL
        cls.pl = cls.f.plan["PL"]

    def submit_ok(self, body, client=None, source=None):
        r = submit(client or self.public, body, source)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def test_challenge_is_issued_with_the_configured_difficulty(self):
        c = self.public.ok("GET", "/api/v1/feedback/challenge").json()
        self.assertEqual(c["difficulty"], DIFFICULTY)
        self.assertEqual(len(c["token"]), 76)
        expires = datetime.datetime.strptime(c["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
        now = datetime.datetime.utcnow()
        self.assertTrue(datetime.timedelta(minutes=9) < expires - now
                        <= datetime.timedelta(minutes=10, seconds=5), (expires, now))
        other = self.public.ok("GET", "/api/v1/feedback/challenge").json()
        self.assertNotEqual(other["token"], c["token"])

    def test_submit_moderate_and_publish(self):
        task = self.f.task[("PL", "T-C1")]
        body = submission("task", task, "  Đề nghị công khai tiến độ hằng tháng  ",
                          name="Lò Thị Mai", contact="mai@example.vn")
        receipt = self.submit_ok(body)
        self.assertEqual(receipt["state"], "new")
        self.assertEqual(receipt["target"], {"kind": "task", "id": task})
        published = f"/api/v1/feedback/published?task={task}"
        self.assertEqual(self.public.ok("GET", published).json()["total"], 0)

        listed = self.agency.ok("GET", f"/api/v1/feedback?plan={self.pl}&state=new").json()
        mine = [i for i in listed["items"] if i["id"] == receipt["id"]]
        self.assertEqual(len(mine), 1, listed)
        self.assertEqual(mine[0]["text"], "Đề nghị công khai tiến độ hằng tháng")
        self.assertEqual(mine[0]["contact"], "mai@example.vn")
        self.assertEqual(mine[0]["author"], {"login": None, "name": "Lò Thị Mai"})
        self.assertEqual(len(mine[0]["address_hash"]), 64)

        r = self.agency.ok("POST", f"/api/v1/feedback/{receipt['id']}/answer",
                           {"answer": "Đã tiếp thu, sẽ công bố từ tháng 7"})
        done = r.json()
        self.assertEqual(done["state"], "answered")
        self.assertEqual(done["answered_by"], "agency_d")
        self.assertEqual([e["state"] for e in done["events"]], ["new", "accepted", "answered"])
        self.assertEqual([e["actor"] for e in done["events"]], [None, "agency_d", "agency_d"])

        shown = self.public.ok("GET", published)
        items = shown.json()["items"]
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0]["text"], "Đề nghị công khai tiến độ hằng tháng")
        self.assertEqual(items[0]["author_name"], "Lò Thị Mai")
        self.assertEqual(items[0]["answer"], "Đã tiếp thu, sẽ công bố từ tháng 7")
        self.assertEqual(items[0]["answered_at"], done["answered_at"])
        self.assertNotIn(b"mai@example.vn", shown.body)
        self.assertNotIn(b"address_hash", shown.body)

        again = self.agency.post(f"/api/v1/feedback/{receipt['id']}/reject", {"reason": "x"})
        self.assertEqual(again.status, 409, again)

    def test_reject_hides_accepted_feedback(self):
        receipt = self.submit_ok(submission("plan", self.pl, "Quảng cáo dịch vụ"))
        self.agency.ok("POST", f"/api/v1/feedback/{receipt['id']}/accept", {})
        published = f"/api/v1/feedback/published?plan={self.pl}"
        ids = [i["id"] for i in self.public.ok("GET", published).json()["items"]]
        self.assertIn(receipt["id"], ids)
        r = self.agency.post(f"/api/v1/feedback/{receipt['id']}/reject", {"reason": " "})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(error_fields(r), {"reason"})
        done = self.agency.ok("POST", f"/api/v1/feedback/{receipt['id']}/reject",
                              {"reason": "Nội dung quảng cáo"}).json()
        self.assertEqual(done["reason"], "Nội dung quảng cáo")
        ids = [i["id"] for i in self.public.ok("GET", published).json()["items"]]
        self.assertNotIn(receipt["id"], ids)

    def test_signed_in_author_is_recorded(self):
        officer = self.f.client("unit_officer_c1")
        receipt = self.submit_ok(submission("plan", self.pl, "Ý kiến của cán bộ xã"), officer)
        got = self.agency.ok("GET", f"/api/v1/feedback/{receipt['id']}").json()
        self.assertEqual(got["author"], {"login": "unit_officer_c1", "name": "Unit Officer C1"})

    def test_targets_must_be_live_and_not_classified(self):
        secret = self.f.task[("PL", "T-SECRET")]
        answers = []
        for target in ("task", secret), ("task", 987654):
            r = submit(self.public, submission(*target, "Hỏi về nhiệm vụ"))
            self.assertEqual(r.status, 422, r)
            self.assertEqual(error_fields(r), {"target"})
            answers.append(r.json()["errors"][0]["message"].replace(str(target[1]), "N"))
        self.assertEqual(answers[0], answers[1], "a classified task must look missing")
        r = submit(self.public, submission("indicator", 987654))
        self.assertEqual((r.status, error_fields(r)), (422, {"target"}), r)
        r = submit(self.public, submission("plan", self.pl, kind_unused=True))
        self.assertEqual(r.status, 422, r)
        self.assertIn("kind_unused", error_fields(r))
        for query in (f"task={secret}", "task=987654", "plan=987654"):
            r = self.public.get(f"/api/v1/feedback/published?{query}")
            self.assertEqual(r.status, 404, (query, r))
        r = self.public.get("/api/v1/feedback/published")
        self.assertEqual(r.status, 400, r)
        r = self.public.get(f"/api/v1/feedback/published?plan={self.pl}&task={secret}")
        self.assertEqual(r.status, 400, r)

    def test_challenge_must_be_solved_and_is_single_use(self):
        c = self.public.ok("GET", "/api/v1/feedback/challenge").json()
        good = solve(c["token"], c["difficulty"])
        # A nonce that does not solve it: the first one that misses.
        bad = next(str(n) for n in range(1000) if solve_misses(c["token"], n, c["difficulty"]))
        for ch, why in (({"token": c["token"], "nonce": bad}, "unsolved"),
                        ({"token": c["token"], "nonce": "-1"}, "not a decimal"),
                        ({"token": "A" * 76, "nonce": good}, "forged"),
                        ({"token": "short", "nonce": good}, "malformed")):
            r = submit(self.public, submission("plan", self.pl, challenge=ch))
            self.assertEqual(r.status, 422, (why, r))
            self.assertEqual(error_fields(r), {"challenge"}, (why, r))
        source = fresh_address()
        first = submit(self.public, submission("plan", self.pl, "Lần một",
                                               challenge={"token": c["token"], "nonce": good}),
                       source)
        self.assertEqual(first.status, 201, first)
        second = submit(self.public, submission("plan", self.pl, "Lần hai",
                                                challenge={"token": c["token"], "nonce": good}),
                        source)
        self.assertEqual(second.status, 422, second)
        self.assertIn("already used", second.json()["errors"][0]["message"])

    def test_rate_limit_per_address_and_duplicates(self):
        source = fresh_address()
        for i in range(5):
            self.submit_ok(submission("plan", self.pl, f"Ý kiến thứ {i + 1}"), source=source)
        dup = submit(self.public, submission("plan", self.pl, "Ý kiến thứ 5"), source)
        self.assertEqual(dup.status, 409, dup)
        r = submit(self.public, submission("plan", self.pl, "Ý kiến thứ 6"), source)
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.json()["type"], "urn:planwatch:problem:too-many-requests")
        retry = int(r.header("Retry-After"))
        self.assertTrue(3500 <= retry <= 3600, retry)
        # Another address is not held back by this one.
        self.submit_ok(submission("plan", self.pl, "Ý kiến thứ 6"))

    def test_moderation_is_for_the_plans_administrators(self):
        receipt = self.submit_ok(submission("plan", self.pl, "Chỉ ban quản lý kế hoạch xem"))
        fid = receipt["id"]
        for login in ("viewer_c1", "unit_officer_c1", "admin_q", "standing_agency_c1"):
            c = self.f.client(login)
            ids = [i["id"] for i in c.ok("GET", "/api/v1/feedback?limit=1000").json()["items"]]
            self.assertNotIn(fid, ids, login)
            self.assertEqual(c.get(f"/api/v1/feedback/{fid}").status, 404, login)
            self.assertEqual(c.post(f"/api/v1/feedback/{fid}/accept", {}).status, 404, login)
        self.assertEqual(self.public.get(f"/api/v1/feedback/{fid}").status, 401)
        self.assertEqual(self.public.get("/api/v1/feedback").status, 401)
        admin_p = self.f.client("admin_p")
        self.assertEqual(admin_p.ok("GET", f"/api/v1/feedback/{fid}").json()["state"], "new")
        r = self.agency.get("/api/v1/feedback?state=open")
        self.assertEqual((r.status, error_fields(r)), (400, {"state"}), r)

    def test_body_errors_name_every_field(self):
        r = call_from(self.public, fresh_address(), "POST", "/api/v1/feedback",
                      {"target": {"kind": "org-unit", "id": 0}, "kind": "praise", "text": "",
                       "contact": "gọi tôi", "name": "x" * 121})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(error_fields(r), {"target.kind", "target.id", "kind", "text", "contact",
                                           "name", "challenge"})


def solve_misses(token, n, difficulty):
    import hashlib
    digest = hashlib.sha256(f"{token}:{n}".encode()).digest()
    return int.from_bytes(digest, "big") >> (256 - difficulty) != 0


class OverallLimitTest(unittest.TestCase):
    """50 submissions an hour in all, whatever the addresses: on a server of its own."""

    def test_overall_limit(self):
        f = _fixture
        server = serve(f.db, f.dir, "overall")
        try:
            client = harness.Client(server.port)
            plan = f.plan["PX-P"]
            for i in range(50):
                r = submit(client, submission("plan", plan, f"Góp ý chung {i}"))
                self.assertEqual(r.status, 201, (i, r))
            r = submit(client, submission("plan", plan, "Góp ý thứ 51"))
            self.assertEqual(r.status, 429, r)
            self.assertTrue(3500 <= int(r.header("Retry-After")) <= 3600, r.headers)
            # The challenge itself stays available.
            self.assertEqual(client.get("/api/v1/feedback/challenge").status, 200)
            challenge(client)
        finally:
            self.assertEqual(server.stop(), 0, server.stderr())


if __name__ == "__main__":
    harness.main()
