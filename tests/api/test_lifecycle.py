"""Server lifecycle: a graceful SIGTERM with a request in flight, and the sign-in throttle."""

import json
import os
import shutil
import signal
import subprocess
import socket
import tempfile
import unittest

import harness
from harness import PASSWORD


def small_db(directory):
    """Units and one user: enough to sign in."""
    db = harness.new_database(directory, "small.db")
    harness.run_cli("init", "--db", db)
    harness.run_cli("import", "--db", db, "--kind", "units",
                    os.path.join(harness.FIXTURES, "units.csv"))
    harness.run_cli("user", "add", "--db", db, "--login", "officer", "--role", "unit_officer",
                    "--unit", "C1", stdin=(PASSWORD + "\n").encode())
    harness.run_cli("user", "add", "--db", db, "--login", "other", "--role", "viewer",
                    "--unit", "C2", stdin=(PASSWORD + "\n").encode())
    return db


def read_until(sock, marker):
    data = b""
    while marker not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def read_all(sock):
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


class LifecycleTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pw-api-life-")
        self.db = small_db(self.dir)
        self.server = harness.Server(self.db, self.dir)

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_sigterm_lets_the_request_in_flight_finish(self):
        body = json.dumps({"login": "officer", "password": PASSWORD}).encode()
        head = (f"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Accept-Language: en\r\nExpect: 100-continue\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as s:
            s.sendall(head)
            # The server has read the headers and waits for the body: the request is in flight.
            interim = read_until(s, b"\r\n\r\n")
            self.assertTrue(interim.startswith(b"HTTP/1.1 100"), interim)
            self.server.signalled = True
            self.server.proc.send_signal(signal.SIGTERM)
            # Shutdown has begun once the listening socket is closed.
            attempts = 0
            while True:
                attempts += 1
                self.assertLess(attempts, 1_000_000, "the server kept accepting after SIGTERM")
                try:
                    socket.create_connection(("127.0.0.1", self.server.port), timeout=5).close()
                except (ConnectionRefusedError, ConnectionResetError):
                    break
            s.sendall(body)
            answer = read_all(s)
        status_line = answer.split(b"\r\n")[0]
        self.assertEqual(status_line, b"HTTP/1.1 200 OK", answer[:400])
        head_part, _, payload = answer.partition(b"\r\n\r\n")
        self.assertIn(b"connection: close", head_part.lower())
        self.assertEqual(json.loads(payload)["user"]["login"], "officer")
        self.assertEqual(self.server.stop(signal_first=False), 0, self.server.stderr())

    def test_sigterm_when_idle_exits_zero(self):
        c = harness.Client(self.server.port)
        c.ok("GET", "/healthz")
        self.assertEqual(self.server.stop(), 0, self.server.stderr())

    def test_a_bad_utc_offset_is_refused_before_serving(self):
        done = subprocess.run([harness.binary(), "serve", "--db", self.db, "--port", "0",
                               "--utc-offset", "UTC+7"], capture_output=True, timeout=30,
                              cwd=self.dir)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("'UTC+7' is not a UTC offset", done.stderr.decode())

    def test_a_sixth_wrong_password_in_a_row_waits(self):
        c = harness.Client(self.server.port)
        for i in range(5):
            r = c.post("/api/v1/session", {"login": "officer", "password": f"wrong-password-{i}"})
            self.assertEqual(r.status, 401, (i, r))
        # From the sixth consecutive failure on, each attempt waits for a delay that doubles;
        # one made inside it is refused before the password is checked, the right one too.
        r = c.post("/api/v1/session", {"login": "officer", "password": PASSWORD})
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.json()["type"], "urn:planwatch:problem:too-many-requests")
        self.assertEqual(r.json()["status"], 429)
        self.assertGreaterEqual(int(r.header("Retry-After")), 1)

if __name__ == "__main__":
    harness.main()
