"""Sign-in through a real server: the growing delay after 5 failures (429 with Retry-After), one
answer for an unknown login and a wrong password, a new session id at sign-in that ends the
session the request came with, every attempt in the audit chain, idle and absolute session
expiry (--session-idle, --session-max), and HTTPS (--tls-cert, --tls-key): HSTS on every
response, TLS 1.2 or later only, and clear startup errors for bad certificate flags.
"""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import warnings

import harness
from harness import setUpModule, tearDownModule  # noqa: F401

HSTS = "max-age=31536000; includeSubDomains"
EX_DATAERR = 65  # planwatch's exit code for invalid_argument


def cli(*args, timeout=120):
    """`planwatch ARGS` → (exit code, stderr), whatever the exit code; in the fixture's folder,
    where a server on PostgreSQL keeps its instance key."""
    done = subprocess.run([harness.binary(), *args], capture_output=True, timeout=timeout,
                          cwd=harness.fixture().dir)
    return done.returncode, done.stderr.decode(errors="replace")


def sign_in(client, login, password):
    return client.post("/api/v1/session", {"login": login, "password": password})


def session_cookie(r):
    for c in r.header_all("Set-Cookie"):
        if c.startswith("pw_session="):
            return c
    return None


def attempts(db, login):
    """The login's rows of login_attempts, oldest first, each with the audit events of its row:
    [(outcome, [(operation, actor, action), …]), …]."""
    assert login.replace("_", "").isalnum()  # inlined in the SQL below
    out = []
    for row_id, outcome in harness.query(
            db, f"SELECT id, outcome FROM login_attempts WHERE login = '{login}' ORDER BY id"):
        events = harness.query(
            db, "SELECT operation, actor, action FROM audit_events "
                f"WHERE tbl = 'login_attempts' AND row_key = '{row_id}' "
                f"AND subject_kind = 'login' AND subject_id = '{login}' ORDER BY seq")
        out.append((outcome, events))
    return out


class LoginLimitsTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()

    def test_sixth_attempt_inside_the_delay_is_429_with_retry_after_and_all_are_audited(self):
        client = self.f.anonymous()
        for i in range(5):
            r = sign_in(client, "viewer_q", f"wrong-password-{i}")
            self.assertEqual(r.status, 401, r)
        # Even the right password is not looked at inside the delay.
        r = sign_in(client, "viewer_q", harness.PASSWORD)
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.header("Retry-After"), "1")
        self.assertEqual(r.header("Content-Type").split(";")[0], "application/problem+json")
        self.assertEqual(r.json()["status"], 429)
        self.assertIsNone(session_cookie(r))
        time.sleep(1.2)
        r = sign_in(client, "viewer_q", harness.PASSWORD)
        self.assertEqual(r.status, 200, r)
        self.assertIsNotNone(session_cookie(r))
        audited = [("insert", "viewer_q", "login")]
        self.assertEqual(attempts(self.f.db, "viewer_q"),
                         [("bad_credentials", audited)] * 5 + [("refused_delay", audited),
                                                               ("ok", audited)])

    def test_unknown_login_and_wrong_password_get_the_same_bytes(self):
        client = self.f.anonymous()
        unknown = sign_in(client, "no_such_login", "whatever-password")
        wrong = sign_in(client, "viewer_p", "not-the-password")
        self.assertEqual(unknown.status, 401, unknown)
        self.assertEqual((wrong.status, wrong.body), (unknown.status, unknown.body))
        self.assertEqual(wrong.header("Content-Type"), unknown.header("Content-Type"))
        self.assertEqual(unknown.json()["type"], "urn:planwatch:problem:unauthenticated")
        audited = [("insert", "no_such_login", "login")]
        self.assertEqual(attempts(self.f.db, "no_such_login"), [("bad_credentials", audited)])
        self.assertEqual(attempts(self.f.db, "viewer_p")[-1],
                         ("bad_credentials", [("insert", "viewer_p", "login")]))

    def test_sign_in_with_an_old_session_ends_it_and_gets_a_new_id(self):
        old = harness.Client(self.f.port).login("viewer_c2")
        self.assertEqual(old.get("/api/v1/session").status, 200)
        # The old cookie and its CSRF token go with the sign-in (the dispatch checks CSRF first).
        r = old.post("/api/v1/session", {"login": "viewer_c2", "password": harness.PASSWORD})
        self.assertEqual(r.status, 200, r)
        new_id = session_cookie(r).split(";")[0].split("=", 1)[1]
        self.assertNotEqual(new_id, old.cookie)
        self.assertNotEqual(r.json()["csrf_token"], old.csrf)
        self.assertEqual(old.get("/api/v1/session").status, 401)
        new = harness.Client(self.f.port)
        new.cookie = new_id
        self.assertEqual(new.get("/api/v1/session").json()["user"]["login"], "viewer_c2")

        self.assertEqual([outcome for outcome, _ in attempts(self.f.db, "viewer_c2")],
                         ["ok", "ok"])
        # The sessions are the user's rows: two sign-ins, the first session ended by the second.
        user = self.f.user_id["viewer_c2"]
        history = self.f.client("admin_p").ok("GET", f"/api/v1/audit?subject=user:{user}")
        sessions = [(e["operation"], e["actor"], e["action"])
                    for e in reversed(history.json()["items"]) if e["table"] == "sessions"]
        self.assertEqual(sessions, [("insert", "viewer_c2", "login"),
                                    ("delete", "viewer_c2", "login"),
                                    ("insert", "viewer_c2", "login")])


class SessionExpiryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.dir = tempfile.mkdtemp(prefix="pw-expiry-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def start(self, *flags):
        server = harness.Server(self.f.db, self.dir, ("--urging-interval", "0", *flags))
        self.addCleanup(lambda: self.assertEqual(server.stop(), 0, server.stderr()))
        return server

    def test_idle_session_ends(self):
        server = self.start("--session-idle", "2s")
        client = harness.Client(server.port).login("viewer_v1")
        self.assertEqual(client.get("/api/v1/session").status, 200)
        time.sleep(3)
        r = client.get("/api/v1/session")
        self.assertEqual(r.status, 401, r)

    def test_busy_session_ends_at_its_maximum_age(self):
        server = self.start("--session-idle", "1h", "--session-max", "4s")
        client = harness.Client(server.port).login("viewer_v1")
        time.sleep(1.5)
        self.assertEqual(client.get("/api/v1/session").status, 200)
        time.sleep(3)
        r = client.get("/api/v1/session")
        self.assertEqual(r.status, 401, r)

    def test_bad_duration_is_an_error_naming_the_flag_and_text(self):
        code, stderr = cli("serve", "--db", self.f.db, "--port", "0", "--session-idle", "5x")
        self.assertEqual(code, EX_DATAERR, stderr)
        self.assertIn("--session-idle '5x'", stderr)
        code, stderr = cli("serve", "--db", self.f.db, "--port", "0", "--session-max", "0h")
        self.assertEqual(code, EX_DATAERR, stderr)
        self.assertIn("--session-max '0h'", stderr)


def make_cert(directory, name):
    """A self-signed certificate for localhost and its key (openssl CLI): (cert, key) paths."""
    cert = os.path.join(directory, f"{name}-cert.pem")
    key = os.path.join(directory, f"{name}-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def unverified_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def https(port, method, path, body=None, headers=None):
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30,
                                       context=unverified_context())
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return harness.Response(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.dir = tempfile.mkdtemp(prefix="pw-tls-")
        cls.cert, cls.key = make_cert(cls.dir, "server")
        cls.other_cert, cls.other_key = make_cert(cls.dir, "other")
        cls.server = harness.TlsServer(cls.f.db, cls.dir, cls.cert, cls.key)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        stderr = cls.server.stderr()
        shutil.rmtree(cls.dir, ignore_errors=True)
        if code != 0:
            raise AssertionError(f"TLS server exit code {code}; stderr:\n{stderr}")

    def test_healthz_over_tls_carries_hsts(self):
        r = https(self.server.port, "GET", "/healthz")
        self.assertEqual((r.status, r.body), (200, b"ok\n"))
        self.assertEqual(r.header_all("Strict-Transport-Security"), [HSTS])

    def test_problem_answers_and_sign_in_over_tls_carry_hsts_and_a_secure_cookie(self):
        missing = https(self.server.port, "GET", "/api/v1/session")
        self.assertEqual(missing.status, 401)
        self.assertEqual(missing.header("Strict-Transport-Security"), HSTS)
        r = https(self.server.port, "POST", "/api/v1/session",
                  b'{"login": "viewer_v1", "password": "%s"}' % harness.PASSWORD.encode(),
                  {"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Strict-Transport-Security"), HSTS)
        attributes = [a.strip() for a in session_cookie(r).split(";")]
        self.assertIn("Secure", attributes)
        self.assertIn("HttpOnly", attributes)

    def test_plain_http_server_sends_no_hsts(self):
        r = self.f.anonymous().get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("Strict-Transport-Security"))

    def test_plain_http_to_the_tls_port_fails(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            with self.assertRaises((http.client.HTTPException, ConnectionError)):
                conn.request("GET", "/healthz")
                conn.getresponse()
        finally:
            conn.close()

    def test_tls_1_1_is_refused_by_the_server(self):
        context = unverified_context()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")  # lets this OpenSSL offer TLS 1.1 at all
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as raw:
            with self.assertRaises(ssl.SSLError) as refused:
                context.wrap_socket(raw).close()
        # The server's protocol_version alert, not a local refusal to try.
        self.assertEqual(refused.exception.reason, "TLSV1_ALERT_PROTOCOL_VERSION")

    def test_tls_1_2_is_accepted(self):
        context = unverified_context()
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, timeout=30,
                                           context=context)
        try:
            conn.request("GET", "/healthz")
            resp = conn.getresponse()
            self.assertEqual((resp.status, resp.read()), (200, b"ok\n"))
            self.assertEqual(conn.sock.version(), "TLSv1.2")
        finally:
            conn.close()

    def serve(self, *flags):
        return cli("serve", "--db", self.f.db, "--port", "0", *flags)

    def test_key_of_another_certificate_exits_naming_the_files(self):
        code, stderr = self.serve("--tls-cert", self.cert, "--tls-key", self.other_key)
        self.assertEqual(code, EX_DATAERR, stderr)
        self.assertIn(f"TLS key file '{self.other_key}' does not match the certificate in "
                      f"'{self.cert}'", stderr)

    def test_missing_or_non_pem_files_exit_naming_the_file(self):
        missing = os.path.join(self.dir, "absent.pem")
        code, stderr = self.serve("--tls-cert", missing, "--tls-key", self.key)
        self.assertEqual(code, EX_DATAERR, stderr)
        self.assertIn(f"cannot open TLS certificate file '{missing}'", stderr)
        code, stderr = self.serve("--tls-cert", self.cert, "--tls-key", self.cert)
        self.assertEqual(code, EX_DATAERR, stderr)
        self.assertIn(f"TLS key file '{self.cert}' holds no unencrypted PEM private key", stderr)

    def test_one_flag_without_the_other_is_an_error(self):
        code, stderr = self.serve("--tls-cert", self.cert)
        self.assertEqual(code, EX_DATAERR, stderr)
        self.assertIn(f"--tls-cert '{self.cert}' needs --tls-key as well", stderr)
        code, stderr = self.serve("--tls-key", self.key)
        self.assertEqual(code, EX_DATAERR, stderr)
        self.assertIn(f"--tls-key '{self.key}' needs --tls-cert as well", stderr)


if __name__ == "__main__":
    harness.main()
