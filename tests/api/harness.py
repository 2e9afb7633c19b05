"""Black-box harness of the planwatch HTTP API: a real server on loopback over a fixture database.

The fixture database is built with the CLI (init, import of tests/api/fixtures/*.csv, user add),
so the tests see exactly what an operator would set up. Every response is checked on the way: no
500, and every 4xx/5xx answer is an application/problem+json document with type, title, status.
"""

import atexit
import datetime
import fcntl
import hashlib
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
DEFAULT_BIN = os.path.join(HERE, "..", "..", "build", "h-api", "src", "planwatch", "cli", "planwatch")

# Import order: a kind refers only to kinds imported before it.
KINDS = ["units", "directives", "plans", "task-groups", "indicators", "targets", "tasks",
         "task-updates", "data-values"]

PASSWORD = "correct-horse-42"
ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]

# login -> (role, unit code)
USERS = {f"{role}_c1": (role, "C1") for role in ROLES}
USERS.update({
    "admin_p": ("admin", "P"),
    "agency_d": ("standing_agency", "D"),
    "admin_q": ("admin", "Q"),
    "viewer_v1": ("viewer", "V1"),
    "viewer_p": ("viewer", "P"),
    "viewer_c2": ("viewer", "C2"),
    "viewer_q": ("viewer", "Q"),
})

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def binary():
    path = os.environ.get("PLANWATCH_BIN", DEFAULT_BIN)
    if not os.path.exists(path):
        raise RuntimeError(f"planwatch binary not found at {path} (set PLANWATCH_BIN)")
    return os.path.abspath(path)


def run_cli(*args, stdin=None):
    done = subprocess.run([binary(), *args], input=stdin, capture_output=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"planwatch {' '.join(args)} failed ({done.returncode}): "
                           f"{done.stderr.decode(errors='replace')}")
    return done.stdout


# The engine the API tests run on: "sqlite" (a file per database) or "postgres" (a database of
# its own per fixture in the cluster whose URL is in the file PW_TEST_POSTGRES names).
ENGINE = os.environ.get("PW_TEST_ENGINE", "sqlite")
_created_databases = []



def _postgres_url():
    path = os.environ.get("PW_TEST_POSTGRES", "")
    if not path:
        raise RuntimeError("PW_TEST_ENGINE=postgres needs PW_TEST_POSTGRES (the cluster's URL file)")
    with open(path) as f:
        return f.read().strip()


def psql(url, sql, separator="|"):
    done = subprocess.run(["psql", "-X", "-q", "-At", "-F", separator, "-v", "ON_ERROR_STOP=1",
                           "-d", url, "-c", sql], capture_output=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"psql failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode()


def query(db, sql):
    """The rows of a read-only query on a test database of either engine, each a tuple of
    texts (NULL as ''). Only for constant SQL the tests write themselves."""
    if ENGINE == "sqlite":
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return [tuple("" if v is None else str(v) for v in row) for row in conn.execute(sql)]
    return [tuple(line.split("\x1f")) for line in psql(db, sql, "\x1f").split("\n") if line]


def _database_name(url):
    return url[url.rfind("/") + 1:]


def _create_database(name, template=None):
    """A PostgreSQL database `name` in the test cluster, empty (bytewise collation, as planwatch
    needs) or made from the database `template`; its URL."""
    cluster = _postgres_url()
    source = (f"TEMPLATE {template}" if template else
              "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    psql(cluster, f"CREATE DATABASE {name} {source}")
    return cluster[:cluster.rfind("/") + 1] + name


def _new_postgres_database(template=None):
    """A new database, dropped when the tests end."""
    name = "pw_api_" + uuid.uuid4().hex[:16]
    url = _create_database(name, template)
    _created_databases.append((_postgres_url(), name))
    return url


def new_database(directory, name):
    """A location for a new database: a file in `directory`, or on PostgreSQL a new empty
    database dropped when the tests end."""
    if ENGINE == "sqlite":
        return os.path.join(directory, name)
    return _new_postgres_database()


def drop_databases():
    while _created_databases:
        cluster, database = _created_databases.pop()
        try:
            psql(cluster, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        except RuntimeError:
            pass


atexit.register(drop_databases)


def add_users(db, users, password=PASSWORD, name=lambda login: login.replace("_", " ").title()):
    """`planwatch user add` for each login -> (role, unit code) of `users`."""
    for login, (role, unit) in users.items():
        run_cli("user", "add", "--db", db, "--login", login, "--role", role, "--unit", unit,
                "--name", name(login), stdin=(password + "\n").encode())


def _build_fixture(db):
    run_cli("init", "--db", db)
    for kind in KINDS:
        run_cli("import", "--db", db, "--kind", kind, os.path.join(FIXTURES, f"{kind}.csv"))
    add_users(db, USERS)


def _binary_key():
    """The part of a shared database's key that every kind has: the binary that builds it and
    the engine (and cluster) it lives on."""
    digest = hashlib.sha256()
    stat = os.stat(binary())
    digest.update(f"{binary()}\0{stat.st_mtime_ns}\0{stat.st_size}\0{ENGINE}\0".encode())
    if ENGINE == "postgres":
        digest.update(_postgres_url().encode())
    return digest


def _fixture_key():
    """What the fixture database is made of: the binary that built it, the engine (and cluster),
    the fixture files and the users. A change to any of them builds a new one."""
    digest = _binary_key()
    for kind in KINDS:
        with open(os.path.join(FIXTURES, f"{kind}.csv"), "rb") as f:
            digest.update(f.read())
    digest.update(repr((sorted(USERS.items()), PASSWORD)).encode())
    return "fixture_" + digest.hexdigest()[:16]


def _shared_template(key, build):
    """The database `build(location)` makes, built once per key and shared by every test
    process (a file lock keeps two from building it at once): a SQLite file, or a PostgreSQL
    database that new ones are created from (CREATE DATABASE ... TEMPLATE). Building one takes
    many planwatch processes; copying it, none."""
    cache = os.environ.get("PW_API_FIXTURE_CACHE",
                           os.path.join(tempfile.gettempdir(), "pw-api-fixtures"))
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, f"{key}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ENGINE == "sqlite":
            path = os.path.join(cache, f"{key}.db")
            if not os.path.exists(path):
                building = os.path.join(tempfile.mkdtemp(prefix="pw-api-build-"), "template.db")
                build(building)
                # One self-contained file: the write-ahead log folded in.
                conn = sqlite3.connect(building)
                try:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    conn.close()
                shutil.copyfile(building, path + ".part")
                os.replace(path + ".part", path)
                shutil.rmtree(os.path.dirname(building), ignore_errors=True)
            return path
        cluster = _postgres_url()
        name = f"pw_api_{key}"
        if not psql(cluster, f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip():
            building = name + "_part"
            psql(cluster, f"DROP DATABASE IF EXISTS {building} WITH (FORCE)")
            build(_create_database(building))
            psql(cluster, f"ALTER DATABASE {building} RENAME TO {name}")
        return name


def _copy_template(template, directory, file_name):
    """A database of its own made from a shared template: a copy of the file in `directory`,
    or a new PostgreSQL database dropped when the tests end."""
    if ENGINE == "sqlite":
        db = os.path.join(directory, file_name)
        shutil.copyfile(template, db)
        return db
    return _new_postgres_database(template=template)


def copy_database(url):
    """PostgreSQL: a new database made from `url`'s (which nobody may be connected to), dropped
    when the tests end; its URL."""
    return _new_postgres_database(template=_database_name(url))


def key_path(db, workdir):
    """Where a server started in `workdir` keeps the instance key of `db`: <file>.key beside a
    SQLite file, <database>.key in the working directory on PostgreSQL."""
    if ENGINE == "sqlite":
        return db + ".key"
    return os.path.join(workdir, _database_name(db) + ".key")


def build_fixture_db(directory):
    """A fresh fixture database of its own: a copy of the shared template."""
    return _copy_template(_shared_template(_fixture_key(), _build_fixture), directory, "fixture.db")


DEMO_DIR = os.path.join(HERE, "..", "..", "data", "demo")
# The demo publishes at load, dated by the server's day (UTC+07:00), so a demo built yesterday
# is not today's.
_VIETNAM = datetime.timezone(datetime.timedelta(hours=7))


# The demo's users in the modules that test against it: login -> (role, unit code).
DEMO_USERS = {
    "admin_vn": ("admin", "VN"),
    "agency_dst": ("standing_agency", "SL-SKHCN"),
    "leader_chiengan": ("unit_leader", "SL-W-CHIENGAN"),
    "viewer_sl": ("viewer", "SL"),
}


def demo_database(directory, users=DEMO_USERS, password=PASSWORD):
    """A fresh demo province of its own (`planwatch init --demo` of data/demo) with `users`
    (login -> (role, unit code), each named by its login): a copy of a shared template, as
    the fixture is."""
    digest = _binary_key()
    for name in sorted(os.listdir(DEMO_DIR)):
        with open(os.path.join(DEMO_DIR, name), "rb") as f:
            digest.update(name.encode() + b"\0" + f.read())
    today = datetime.datetime.now(_VIETNAM).date().isoformat()
    digest.update(repr((sorted(users.items()), password, today)).encode())

    def build(db):
        run_cli("init", "--db", db, "--demo", "--demo-dir", DEMO_DIR)
        add_users(db, users, password, name=lambda login: login)

    key = "demo_" + digest.hexdigest()[:16]
    return _copy_template(_shared_template(key, build), directory, "demo.db")


# Tables that reads and sign-ins write (sessions, attempts) and the log of changes itself: every
# other table is the data a refused request must leave as it was.
FINGERPRINT_SKIPS = {"sessions", "login_attempts", "audit_events", "audit_checkpoints",
                     "audit_pending", "commit_serial", "commit_log", "write_clock"}


def db_fingerprint(db):
    """sha256 over every row of every data table (all but FINGERPRINT_SKIPS), read straight from
    the database file: equal fingerprints, equal data. One read-only connection, so it costs
    no process per call."""
    digest = hashlib.sha256()
    if db.startswith("postgresql://"):
        return _postgres_fingerprint(db, digest)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if table in FINGERPRINT_SKIPS or table.startswith("sqlite_"):
                continue
            digest.update(table.encode() + b"\0")
            rows = sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"'))
            for row in rows:
                digest.update(row.encode() + b"\n")
    finally:
        conn.close()
    return digest.hexdigest()


def _postgres_fingerprint(db, digest):
    """db_fingerprint of a PostgreSQL database: every row of every data table as its text, in
    one psql run."""
    tables = [t for t in psql(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "ORDER BY tablename").split()
              if t not in FINGERPRINT_SKIPS]
    if not tables:
        return digest.hexdigest()
    query = " UNION ALL ".join(
        f"(SELECT '{t}' || E'\\t' || coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '') "
        f"FROM {t} r)" for t in tables)
    for line in psql(db, query).split("\n"):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


class Server:
    """`planwatch serve` on an ephemeral loopback port."""

    # No urging scan of its own: a scan at start would write while a test compares the database
    # before and after a request; tests run one with POST /api/v1/urging/run.
    def __init__(self, db, workdir, extra_args=("--urging-interval", "0")):
        self.db = db
        self.stderr_path = os.path.join(workdir, "server.stderr")
        self._stderr = open(self.stderr_path, "wb")
        # In the work folder: a server on PostgreSQL keeps its instance key in the working
        # directory (<database>.key).
        self.proc = subprocess.Popen(
            [binary(), "serve", "--db", db, "--port", "0", "--bind", "127.0.0.1", *extra_args],
            stdout=subprocess.PIPE, stderr=self._stderr, cwd=workdir)
        line = self.proc.stdout.readline().decode()
        prefix = f"planwatch serving {db} on http://127.0.0.1:"
        if not line.startswith(prefix):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"unexpected first line from serve: {line!r}; stderr: {self.stderr()}")
        self.port = int(line[len(prefix):].strip().rstrip("/"))
        self.signalled = False

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, timeout=30, signal_first=True):
        """SIGTERM (unless `signal_first` is false: one already sent), then the exit code (0 for a
        graceful stop)."""
        if signal_first and self.proc.poll() is None and not self.signalled:
            self.signalled = True
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = "hung"
        self.proc.stdout.close()
        self._stderr.close()
        return code


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class ResponseCheckError(AssertionError):
    pass


def check_response(method, path, r):
    where = f"{method} {path}"
    if r.status >= 500 and r.status != 503:
        raise ResponseCheckError(f"{where}: server error {r.status}: {r.body[:500]!r}")
    if r.status >= 400:
        ctype = (r.header("Content-Type") or "").split(";")[0].strip()
        if ctype != "application/problem+json":
            raise ResponseCheckError(f"{where}: {r.status} with Content-Type {ctype!r}, "
                                     f"not application/problem+json: {r.body[:300]!r}")
        try:
            doc = json.loads(r.body.decode("utf-8"))
        except ValueError as e:
            raise ResponseCheckError(f"{where}: problem body is not JSON ({e}): {r.body[:300]!r}")
        for key in ("type", "title", "status"):
            if key not in doc:
                raise ResponseCheckError(f"{where}: problem without {key}: {doc}")
        if doc["status"] != r.status or not str(doc["type"]).startswith("urn:planwatch:problem:"):
            raise ResponseCheckError(f"{where}: problem status/type mismatch: {r.status} {doc}")


class Client:
    """One caller: anonymous, a cookie session (with its CSRF token) or a bearer token."""

    def __init__(self, port, lang="en"):
        self.port = port
        self.lang = lang
        self.cookie = None
        self.csrf = None
        self.bearer = None
        self.user = None

    def raw(self, method, path, body=None, headers=None, check=True):
        """A request exactly as given (body bytes, headers dict); auth headers added."""
        h = {"Accept-Language": self.lang}
        if self.bearer:
            h["Authorization"] = f"Bearer {self.bearer}"
        elif self.cookie:
            h["Cookie"] = f"pw_session={self.cookie}"
            if self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
                h["X-CSRF-Token"] = self.csrf
        if headers:
            for k, v in headers.items():
                if v is None:
                    h.pop(k, None)
                else:
                    h[k] = v
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            r = Response(resp.status, resp.getheaders(), resp.read())
        finally:
            conn.close()
        if check:
            check_response(method, path, r)
        return r

    def call(self, method, path, body=None, headers=None, if_match=None, check=True):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            h.setdefault("Content-Type", "application/json")
        if if_match is not None:
            h["If-Match"] = if_match
        return self.raw(method, path, data, h, check=check)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, {} if body is None else body, **kw)

    def patch(self, path, body, **kw):
        return self.call("PATCH", path, body, **kw)

    def put(self, path, body, **kw):
        return self.call("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def ok(self, method, path, body=None, expect=200, **kw):
        r = self.call(method, path, body, **kw)
        if r.status != expect:
            raise AssertionError(f"{method} {path}: expected {expect}, got {r.status}: {r.body[:500]!r}")
        return r

    def login(self, login, password=PASSWORD):
        r = self.post("/api/v1/session", {"login": login, "password": password})
        if r.status != 200:
            raise AssertionError(f"login {login}: {r.status} {r.body!r}")
        cookies = [c for c in r.header_all("Set-Cookie") if c.startswith("pw_session=")]
        self.cookie = cookies[0].split(";")[0].split("=", 1)[1]
        self.csrf = r.json()["csrf_token"]
        self.user = r.json()["user"]
        return self

    def token_client(self, name="api token"):
        """A new client using a bearer token created by this session."""
        r = self.ok("POST", "/api/v1/tokens", {"name": name}, expect=201)
        other = Client(self.port, self.lang)
        other.bearer = r.json()["token"]
        other.token_id = r.json()["id"]
        other.user = self.user
        return other


class Fixture:
    """A fixture database and its running server, plus id lookups by code."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pw-api-")
        self.db = build_fixture_db(self.dir)
        self.server = Server(self.db, self.dir)
        self.port = self.server.port
        self._clients = {}
        admin = self.client("admin_p")
        self.unit = {u["code"]: u["id"] for u in
                     admin.ok("GET", "/api/v1/org-units?limit=1000").json()["items"]}
        self.plan = {p["code"]: p["id"] for p in
                     admin.ok("GET", "/api/v1/plans?limit=1000").json()["items"]}
        self.indicator = {i["code"]: i["id"] for i in
                          admin.ok("GET", "/api/v1/indicators?limit=1000").json()["items"]}
        plan_code = {v: k for k, v in self.plan.items()}
        self.group = {}
        for g in admin.ok("GET", "/api/v1/task-groups?limit=1000").json()["items"]:
            self.group[(plan_code[g["plan"]], g["code"])] = g["id"]
        self.task = {}
        for login in ("admin_p", "admin_q"):
            for t in self.client(login).ok("GET", "/api/v1/tasks?limit=1000").json()["items"]:
                self.task[(plan_code[t["plan"]], t["code"])] = t["id"]
        self.user_id = {u["login"]: u["id"] for login in ("admin_p", "admin_q") for u in
                        self.client(login).ok("GET", "/api/v1/users").json()["items"]}

    def client(self, login):
        """The signed-in cookie client of `login` (one sign-in per user per module)."""
        if login not in self._clients:
            self._clients[login] = Client(self.port).login(login)
        return self._clients[login]

    def anonymous(self):
        return Client(self.port)

    def fingerprint(self):
        return db_fingerprint(self.db)

    def close(self):
        code = self.server.stop()
        stderr = self.server.stderr()
        shutil.rmtree(self.dir, ignore_errors=True)
        drop_databases()
        if code != 0:
            raise AssertionError(f"server exit code {code}; stderr:\n{stderr}")
        return stderr


_fixture = None


def fixture():
    return _fixture


def setUpModule():
    global _fixture
    _fixture = Fixture()


def tearDownModule():
    global _fixture
    f, _fixture = _fixture, None
    if f is not None:
        f.close()


def value_path(indicator_id, unit_id, period):
    return f"/api/v1/data-values/{indicator_id}/{unit_id}/{period}"


def main():
    unittest.main(verbosity=2)


class TlsServer(Server):
    """`planwatch serve --tls-cert CERT --tls-key KEY` on an ephemeral loopback port (HTTPS)."""

    def __init__(self, db, workdir, cert, key, extra_args=("--urging-interval", "0")):
        self.db = db
        self.stderr_path = os.path.join(workdir, "server-tls.stderr")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [binary(), "serve", "--db", db, "--port", "0", "--bind", "127.0.0.1",
             "--tls-cert", cert, "--tls-key", key, *extra_args],
            stdout=subprocess.PIPE, stderr=self._stderr, cwd=workdir)
        line = self.proc.stdout.readline().decode()
        prefix = f"planwatch serving {db} on https://127.0.0.1:"
        if not line.startswith(prefix):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"unexpected first line from serve: {line!r}; stderr: {self.stderr()}")
        self.port = int(line[len(prefix):].strip().rstrip("/"))
        self.signalled = False
