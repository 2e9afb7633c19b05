"""The audit log through the API and the CLI: a change through the API is an event of the
subject's history (who, from where, what, digests), readable by the subject's readers only; the
whole log and the checkpoints are for admins of a root; at shutdown the server signs the head;
`planwatch audit verify` passes on an untouched database and fails, naming the event, once an
event is edited, and, given an exported checkpoint, once the tail is cut off. On both engines: on
PostgreSQL the copies to tamper with are databases made from the stopped server's, and the
tampering runs with the triggers off (session_replication_role = replica).
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

import harness
from harness import setUpModule, tearDownModule  # noqa: F401

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def cli(*args, cwd=None):
    """`planwatch ARGS` → (exit code, stdout, stderr), whatever the exit code. On PostgreSQL the
    instance key is <database>.key in the working directory: `cwd` is where the server ran."""
    done = subprocess.run([harness.binary(), *args], capture_output=True, timeout=120, cwd=cwd)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def error_fields(r):
    return {e.get("field") for e in r.json().get("errors", [])}


class AuditApiTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.admin = cls.f.client("admin_p")
        cls.task = cls.f.task[("PL", "T-C1")]

    def history(self, client, subject, query=""):
        return client.get(f"/api/v1/audit?subject={subject}{query}")

    def test_task_patch_shows_in_its_history_with_who_where_and_digests(self):
        path = f"/api/v1/tasks/{self.task}"
        self.admin.ok("PATCH", path, {"expected_output": "Báo cáo kiểm toán"}, if_match="*")
        r = self.history(self.admin, f"task:{self.task}")
        self.assertEqual(r.status, 200, r)
        items = r.json()["items"]
        self.assertGreater(len(items), 0)
        newest = items[0]
        self.assertEqual(newest["actor"], "admin_p")
        self.assertEqual(newest["address"], "127.0.0.1")
        self.assertEqual(newest["action"], f"PATCH {path}")
        self.assertEqual(newest["operation"], "update")
        self.assertEqual((newest["subject_kind"], newest["subject_id"]), ("task", str(self.task)))
        self.assertRegex(newest["before_digest"], HEX64)
        self.assertRegex(newest["after_digest"], HEX64)
        self.assertNotEqual(newest["before_digest"], newest["after_digest"])
        self.assertRegex(newest["hash"], HEX64)
        self.assertEqual(sorted(newest), sorted(
            ["seq", "at", "actor", "address", "action", "table", "row_key", "operation",
             "subject_kind", "subject_id", "before_digest", "after_digest", "prev_hash", "hash"]))
        seqs = [e["seq"] for e in items]
        self.assertEqual(seqs, sorted(seqs, reverse=True))
        # The task was imported by the CLI: its first events carry the command, not a login.
        oldest = self.history(self.admin, f"task:{self.task}", "&limit=1000").json()["items"][-1]
        self.assertTrue(oldest["actor"].startswith("cli:"), oldest)
        self.assertEqual(oldest["action"], "planwatch import")
        self.assertEqual(oldest["address"], "")
        # A reader of the task in scope sees the same history.
        mine = self.history(self.f.client("viewer_c1"), f"task:{self.task}").json()["items"]
        self.assertEqual(mine[0]["seq"], newest["seq"])

    def test_readers_outside_the_subject_are_refused_as_the_rules_say(self):
        task = f"task:{self.task}"
        for login in ("viewer_c2", "viewer_q", "admin_q"):
            r = self.history(self.f.client(login), task)
            self.assertEqual(r.status, 404, (login, r))  # as GET /tasks/{id}: not revealed
        self.assertEqual(self.history(self.admin, "task:999999").status, 404)
        user = f"user:{self.f.user_id['viewer_c1']}"
        self.assertEqual(self.history(self.f.client("viewer_c1"), user).status, 200)
        self.assertEqual(self.history(self.f.client("admin_c1"), user).status, 200)
        r = self.history(self.f.client("viewer_c2"), user)
        self.assertEqual(r.status, 403, r)
        self.assertIn("viewer_c2", r.json()["detail"])
        # Reference data: every signed-in user.
        unit = f"org_unit:{self.f.unit['C1']}"
        self.assertEqual(self.history(self.f.client("viewer_q"), unit).status, 200)
        self.assertEqual(self.history(self.admin, "org_unit:999999").status, 404)

    def test_whole_log_and_checkpoints_are_for_admins_of_a_root(self):
        r = self.admin.ok("GET", "/api/v1/audit?limit=3")
        page = r.json()
        self.assertEqual(len(page["items"]), 3)
        self.assertEqual(page["next_before"], page["items"][-1]["seq"])
        older = self.admin.ok("GET", f"/api/v1/audit?limit=3&before={page['next_before']}").json()
        self.assertEqual(older["items"][0]["seq"], page["items"][-1]["seq"] - 1)
        self.assertEqual(older["items"][0]["hash"], page["items"][-1]["prev_hash"])
        for login in ("admin_c1", "steering_c1", "viewer_p"):
            c = self.f.client(login)
            self.assertEqual(c.get("/api/v1/audit").status, 403, login)
            self.assertEqual(c.get("/api/v1/audit/checkpoints").status, 403, login)
            self.assertEqual(c.post("/api/v1/audit/checkpoints").status, 403, login)
        signed = self.admin.ok("POST", "/api/v1/audit/checkpoints", expect=201).json()
        self.assertEqual(sorted(signed), ["at", "head_hash", "public_key", "seq", "signature"])
        head = self.admin.ok("GET", "/api/v1/audit?limit=1").json()["items"][0]
        self.assertEqual((signed["seq"], signed["head_hash"]), (head["seq"], head["hash"]))
        listed = self.admin.ok("GET", "/api/v1/audit/checkpoints").json()["items"]
        self.assertEqual(listed[0], signed)
        # The head has not moved: the same checkpoint, nothing new stored.
        again = self.admin.ok("POST", "/api/v1/audit/checkpoints", expect=201).json()
        self.assertEqual(again, signed)
        self.assertEqual(len(self.admin.ok("GET", "/api/v1/audit/checkpoints").json()["items"]),
                         len(listed))

    def test_bad_subject_limit_and_before_are_400_naming_the_parameter(self):
        task = f"task:{self.task}"
        cases = [("subject=task", "subject"), ("subject=task:x", "subject"),
                 ("subject=task:0", "subject"), ("subject=tasks:1", "subject"),
                 ("subject=feedback:1", "subject"), ("subject=", "subject"),
                 (f"subject={task}&limit=0", "limit"), (f"subject={task}&limit=1001", "limit"),
                 (f"subject={task}&limit=x", "limit"), ("limit=-1", "limit"),
                 (f"subject={task}&before=0", "before"), (f"subject={task}&before=x", "before"),
                 ("before=-5", "before"), ("before=99999999999999999999", "before"),
                 (f"subject={task}&zzz_unknown=1", "zzz_unknown"),
                 (f"subject={task}&subject={task}", "subject")]
        before = self.f.fingerprint()
        wrong = []
        for query, field in cases:
            r = self.admin.get(f"/api/v1/audit?{query}")
            if r.status != 400:
                wrong.append(f"{query}: expected 400, got {r.status} {r.body[:160]!r}")
            elif field not in error_fields(r):
                wrong.append(f"{query}: errors do not name {field}: {r.body[:200]!r}")
        for path in ("/api/v1/audit/checkpoints?zzz_unknown=1",):
            r = self.admin.get(path)
            if r.status != 400 or "zzz_unknown" not in error_fields(r):
                wrong.append(f"{path}: {r.status} {r.body[:160]!r}")
        self.assertEqual(wrong, [])
        self.assertEqual(self.f.fingerprint(), before)


class VerifyTest(unittest.TestCase):
    """A database of its own: the server is stopped before the chain is checked and tampered."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pw-audit-")
        cls.db = harness.build_fixture_db(cls.dir)
        server = harness.Server(cls.db, cls.dir)
        try:
            admin = harness.Client(server.port).login("admin_p")
            tasks = admin.ok("GET", "/api/v1/tasks?limit=1000").json()["items"]
            for i, task in enumerate(tasks[:3]):
                admin.ok("PATCH", f"/api/v1/tasks/{task['id']}",
                         {"expected_output": f"Sản phẩm {i}"}, if_match="*")
        finally:
            code = server.stop()
        cls.stop_code, cls.stderr = code, server.stderr()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def copy(self, name):
        """A copy of the stopped server's database and its instance key, to tamper with."""
        if harness.ENGINE == "sqlite":
            target = os.path.join(self.dir, name)
            for suffix in ("", "-wal", ".key"):
                if os.path.exists(self.db + suffix):
                    shutil.copy2(self.db + suffix, target + suffix)
            return target
        target = harness.copy_database(self.db)
        shutil.copy2(harness.key_path(self.db, self.dir), harness.key_path(target, self.dir))
        return target

    def tamper(self, db, *statements):
        """Runs SQL on `db` with the append-only triggers of the audit tables off."""
        if harness.ENGINE == "postgres":
            triggers = self.query(db, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
                                      "AND tgrelid IN ('audit_events'::regclass, "
                                      "'audit_checkpoints'::regclass)")[0][0]
            self.assertGreater(triggers, 0, "no append-only triggers on the audit tables")
            harness.psql(db, "SET session_replication_role = replica; " + "; ".join(statements))
            return
        con = sqlite3.connect(db)
        try:
            triggers = [name for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name IN ('audit_events', 'audit_checkpoints')")]
            self.assertGreater(len(triggers), 0, "no append-only triggers on the audit tables")
            for name in triggers:
                con.execute(f'DROP TRIGGER "{name}"')
            for sql in statements:
                con.execute(sql)
            con.commit()
        finally:
            con.close()

    def query(self, db, sql):
        """The rows of `sql` on `db`, numbers as ints."""
        return [tuple(int(v) if v.lstrip("-").isdigit() else v for v in row)
                for row in harness.query(db, sql)]

    def cli(self, *args):
        return cli(*args, cwd=self.dir)

    def test_shutdown_signs_a_checkpoint_and_verify_passes(self):
        self.assertEqual(self.stop_code, 0, self.stderr)
        head = self.query(self.db, "SELECT max(seq) FROM audit_events")[0][0]
        self.assertIn(f"audit checkpoint at event {head}", self.stderr)
        latest = self.query(self.db, "SELECT max(seq) FROM audit_checkpoints")[0][0]
        self.assertEqual(latest, head)
        code, out, err = self.cli("audit", "verify", "--db", self.db)
        self.assertEqual(code, 0, out + err)
        self.assertIn(f"events checked: {head}\n", out)
        self.assertRegex(out, r"checkpoints checked: [1-9]")
        self.assertIn(f"head: seq {head} ", out)
        self.assertIn("audit chain verified", out)

    def test_an_edited_event_fails_verify_naming_it(self):
        db = self.copy("edited.db")
        victim = self.query(db, "SELECT seq FROM audit_events WHERE actor = 'admin_p' "
                                "ORDER BY seq LIMIT 1")[0][0]
        self.tamper(db, f"UPDATE audit_events SET actor = 'someone_else' WHERE seq = {victim}")
        code, out, err = self.cli("audit", "verify", "--db", db)
        self.assertEqual(code, 78, out + err)  # failed_precondition's exit code
        self.assertIn(f"event {victim}", out)
        self.assertIn("does not verify", err)

    def test_an_exported_checkpoint_reveals_a_truncated_tail(self):
        db = self.copy("truncated.db")
        exported = os.path.join(self.dir, "kept-elsewhere.json")
        code, out, err = self.cli("audit", "checkpoint", "--db", db, "--out", exported)
        self.assertEqual(code, 0, out + err)
        head = self.query(db, "SELECT max(seq) FROM audit_events")[0][0]
        with open(exported, encoding="utf-8") as f:
            self.assertIn(f'"seq": {head}', f.read())
        # Cut the last three events and every checkpoint that would remember them.
        self.tamper(db, f"DELETE FROM audit_events WHERE seq > {head - 3}",
                    f"DELETE FROM audit_checkpoints WHERE seq > {head - 3}")
        code, out, err = self.cli("audit", "verify", "--db", db)
        self.assertEqual(code, 0, "without the exported checkpoint a clean cut goes unseen: "
                                  + out + err)
        code, out, err = self.cli("audit", "verify", "--db", db, "--checkpoint", exported)
        self.assertEqual(code, 78, out + err)
        self.assertIn(f"checkpoint at event {head}", out)
        self.assertIn(f"ends at event {head - 3}", out)

    def test_checkpoint_to_stdout_and_log_of_a_subject(self):
        db = self.copy("log.db")
        code, out, err = self.cli("audit", "checkpoint", "--db", db)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r'"head_hash": "[0-9a-f]{64}"')
        task = self.query(db, "SELECT subject_id FROM audit_events WHERE actor = 'admin_p' "
                              "AND subject_kind = 'task' ORDER BY seq DESC LIMIT 1")[0][0]
        code, out, err = self.cli("audit", "log", "--db", db, "--subject", f"task:{task}",
                                  "--limit", "2")
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertEqual(len(lines), 2, out)
        self.assertIn("admin_p 127.0.0.1", lines[0])
        self.assertIn(f"task:{task}", lines[0])
        code, out, err = self.cli("audit", "log", "--db", db, "--subject", "task:x")
        self.assertEqual(code, 65, out + err)
        self.assertIn("task:x", err)


if __name__ == "__main__":
    harness.main()
