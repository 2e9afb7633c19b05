"""Disk full under a running server: the request fails with a clear problem, nothing is lost.

The server's file size limit (RLIMIT_FSIZE, set on the running process with prlimit; SIGXFSZ
ignored) stands in for a full disk: a write that would grow a file past it is cut short or fails,
which SQLite reports as "database or disk is full" (a short write) or a disk I/O error. Checks:

  - a write that needs room answers 503 application/problem+json whose detail names the full disk
    or the I/O error, and the database holds none of it (an import: none of its rows);
  - reads keep working while the disk is full;
  - once there is room again, the same server takes the same write, every earlier acknowledged
    write is there, and PRAGMA integrity_check is "ok"; after a restart too.

Usage: disk_full.py [--binary PATH]
"""

import argparse
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
import harness  # noqa: E402

PASSWORD = "disk-full-password-42"
ROOM = 256 * 1024  # bytes a file may still grow by once the limit is set


class LimitedServer(harness.Server):
    """harness.Server whose process ignores SIGXFSZ, so a file size limit fails writes instead
    of killing it."""

    def __init__(self, db, workdir):  # pylint: disable=super-init-not-called
        self.db = db
        self.stderr_path = os.path.join(workdir, "server.stderr")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [harness.binary(), "serve", "--db", db, "--port", "0", "--bind", "127.0.0.1",
             "--urging-interval", "0"],
            stdout=subprocess.PIPE, stderr=self._stderr,
            preexec_fn=lambda: signal.signal(signal.SIGXFSZ, signal.SIG_IGN))
        line = self.proc.stdout.readline().decode()
        prefix = f"planwatch serving {db} on http://127.0.0.1:"
        if not line.startswith(prefix):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"unexpected first line from serve: {line!r}; {self.stderr()}")
        self.port = int(line[len(prefix):].strip().rstrip("/"))
        self.signalled = False

    def limit_file_size(self, size):
        # The soft limit only: raising it again needs no privilege.
        resource.prlimit(self.proc.pid, resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))

    def lift_limit(self):
        resource.prlimit(self.proc.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def directives_csv(marker, rows):
    lines = ["number,kind,title_vi"]
    lines += [f"{marker}{i},dispatch,Văn bản kiểm tra đĩa đầy số {i} " + "x" * 200
              for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def count(db, marker):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM directives WHERE number LIKE ?",
                            (marker + "%",)).fetchone()[0]
    finally:
        conn.close()


def integrity(db):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_full_disk_problem(r, what):
    check(r.status == 503, f"{what}: expected 503, got {r.status}: {r.body[:500]!r}")
    check((r.header("Content-Type") or "").startswith("application/problem+json"),
          f"{what}: {r.header('Content-Type')}")
    doc = r.json()
    check(doc["type"] == "urn:planwatch:problem:unavailable", f"{what}: {doc}")
    detail = doc.get("detail", "")
    check("the disk holding the database is full" in detail or "disk I/O error" in detail,
          f"{what}: the detail does not name the full disk: {detail!r}")
    return detail


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", help="planwatch binary (default: $PLANWATCH_BIN)")
    args = parser.parse_args()
    if args.binary:
        os.environ["PLANWATCH_BIN"] = args.binary
    directory = tempfile.mkdtemp(prefix="pw-diskfull-")
    db = os.path.join(directory, "full.db")
    harness.run_cli("init", "--db", db)
    harness.run_cli("import", "--db", db, "--kind", "units",
                    os.path.join(harness.FIXTURES, "units.csv"))  # P is the root unit
    harness.run_cli("user", "add", "--db", db, "--login", "root_admin", "--role", "admin",
                    "--unit", "P", stdin=(PASSWORD + "\n").encode())

    server = LimitedServer(db, directory)
    try:
        admin = harness.Client(server.port, lang="en").login("root_admin", PASSWORD)
        admin = admin.token_client("disk full test")
        before = admin.raw("POST", "/api/v1/imports/directives", directives_csv("BEFORE.", 50),
                           {"Content-Type": "text/csv"})
        check(before.status == 200, f"import before the fault: {before}")

        # Nothing more may grow past the current sizes plus a little room.
        sizes = [os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p)]
        server.limit_file_size(max(sizes) + ROOM)
        big = directives_csv("FULL.", 4000)  # about 1 MB of rows: far more than the room
        r = admin.raw("POST", "/api/v1/imports/directives", big, {"Content-Type": "text/csv"})
        detail = expect_full_disk_problem(r, "import onto a full disk")
        check(count(db, "FULL.") == 0, "a failed import left rows behind")
        # The Vietnamese answer keeps the specifics in detail_en.
        vi = harness.Client(server.port, lang="vi")
        vi.bearer = admin.bearer
        r_vi = vi.raw("POST", "/api/v1/imports/directives", big, {"Content-Type": "text/csv"})
        check(r_vi.status == 503, f"vi: {r_vi}")
        check("disk" in r_vi.json().get("detail_en", ""), f"vi detail_en: {r_vi.json()}")
        # Reads go on.
        listed = admin.ok("GET", "/api/v1/directives?limit=1&q=BEFORE.")
        check(listed.json()["total"] == 50, f"directives before: {listed.json()['total']}")

        server.lift_limit()
        r = admin.raw("POST", "/api/v1/imports/directives", big, {"Content-Type": "text/csv"})
        check(r.status == 200 and r.json()["inserted"] == 4000, f"import after the fault: {r}")
        check(count(db, "BEFORE.") == 50 and count(db, "FULL.") == 4000, "rows after the fault")
        check(integrity(db) == [("ok",)], f"integrity: {integrity(db)}")
        code = server.stop()
        check(code == 0, f"server exit {code}: {server.stderr()}")
    except BaseException:
        if server.proc.poll() is None:
            server.proc.kill()
        print(f"server stderr:\n{server.stderr()}", file=sys.stderr)
        raise

    again = harness.Server(db, directory)
    try:
        check(count(db, "BEFORE.") == 50 and count(db, "FULL.") == 4000, "rows after a restart")
        check(integrity(db) == [("ok",)], "integrity after a restart")
    finally:
        again.stop()
    shutil.rmtree(directory, ignore_errors=True)
    print(f"disk full: 503 with detail {detail!r}; nothing lost, integrity ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
