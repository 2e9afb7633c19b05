"""Crash test: concurrent writes against `planwatch serve`, SIGKILL at a random moment, restart.

Builds the Son La demo database (`planwatch init --demo`) with an administrator and a unit
officer and leader (API tokens for each), then per cycle starts `planwatch serve` on a free
loopback port, runs writer threads that mix

  - task updates (PATCH /api/v1/tasks/{id} with If-Match),
  - single data values (PUT /api/v1/data-values/{indicator}/{unit}/{period}),
  - bulk data values (POST /api/v1/data-values, a CSV),
  - reports (create, submit, approve: approval signs),
  - imports (POST /api/v1/imports/directives, a CSV whose rows carry a unique marker),

kills the server with SIGKILL after a random delay, restarts it and checks: every write that was
answered 2xx before the kill is there with its value (a write in flight at the kill may or may not
be), every import and bulk write is all or nothing, PRAGMA integrity_check is "ok", and
`planwatch audit verify --db` exits 0 (the audit chain is whole).

Usage: crash_test.py [--cycles N] [--seed S] [--threads T] [--binary PATH]
Exit status 0 when nothing was lost; prints one summary line.
"""

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
import harness  # noqa: E402  (tests/api/harness.py: Client, Server, binary())

PASSWORD = "crash-test-password-42"
INDICATOR = "OPEN_DATASETS"  # monthly, minimum 0, no maximum
REPORT_UNIT = "SL-SKHCN"
FIRST_YEAR = 2040  # values and reports of the test go to periods no demo record uses


class Lost(AssertionError):
    """An acknowledged write is missing, or an import is half there."""


class ServerGone(Exception):
    """The request got no answer: the server was killed while it was in flight."""


def request(client, method, path, body=None, headers=None, if_match=None):
    """One request; ServerGone when the connection fails (the kill), else the Response."""
    try:
        if isinstance(body, bytes):
            h = dict(headers or {})
            if if_match is not None:
                h["If-Match"] = if_match
            return client.raw(method, path, body, h, check=False)
        return client.call(method, path, body, headers, if_match=if_match, check=False)
    except (OSError, http.client.HTTPException) as e:
        raise ServerGone(str(e)) from e


class Ledger:
    """What each writer asked for and what the server acknowledged. Thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []  # dicts: kind, key, value, state ("pending" | "acked" | "inflight")
        self.acked = 0
        self.verified = 0
        self.imports_whole = 0
        self.imports_absent = 0
        self.inflight = 0

    def add(self, **entry):
        entry["state"] = "pending"
        with self.lock:
            self.entries.append(entry)
        return entry

    def ack(self, entry):
        with self.lock:
            entry["state"] = "acked"
            self.acked += 1

    def take(self):
        """The entries so far (pending ones become in flight), emptying the ledger."""
        with self.lock:
            out, self.entries = self.entries, []
        for e in out:
            if e["state"] == "pending":
                e["state"] = "inflight"
                self.inflight += 1
        return out


class World:
    """Ids of the demo records the writers use, and the allocators of fresh keys."""

    def __init__(self, admin, officer, leader, tasks, units, indicator, plans, report_unit):
        self.admin, self.officer, self.leader = admin, officer, leader
        self.tasks = sorted(tasks)  # task ids
        self.titles = dict(tasks)  # task id: title_en as last seen
        self.units = units  # [(id, code)] of units under the province
        self.indicator = indicator
        self.plans = plans
        self.report_unit = report_unit
        self.cells = itertools.count()  # value cells: never the same (unit, period) twice
        self.report_slots = itertools.count()  # (plan, period) of new reports
        self.imports = itertools.count()

    def cell(self):
        n = next(self.cells)
        unit_id, unit_code = self.units[n % len(self.units)]
        month = n // len(self.units)
        period = f"{FIRST_YEAR + month // 12}{month % 12 + 1:02d}"
        return unit_id, unit_code, period

    def report_slot(self):
        n = next(self.report_slots)
        plan = self.plans[n % len(self.plans)]
        month = n // len(self.plans)
        return plan, f"{FIRST_YEAR + month // 12}{month % 12 + 1:02d}"


class Writer(threading.Thread):
    """One client thread: a random mix of writes until the server is gone."""

    def __init__(self, world, ledger, cycle, index, rng, tasks, report):
        super().__init__(daemon=True)
        self.world, self.ledger, self.cycle, self.index = world, ledger, cycle, index
        self.rng = rng
        self.tasks = tasks  # this writer's own tasks: {id: etag or None}
        self.report = report  # this writer's report in progress: {"id", "etag", "state"} or {}
        self.errors = []
        self.count = 0

    def run(self):
        ops = [self.task_update] * 3 + [self.put_value] * 3 + [self.bulk_values] * 2 + \
              [self.report_step] * 2 + [self.import_file]
        try:
            while True:
                self.rng.choice(ops)()
                self.count += 1
        except ServerGone:
            pass
        except Exception as e:  # an unexpected answer: the test fails with it
            self.errors.append(f"writer {self.index}: {type(e).__name__}: {e}")

    def expect(self, r, what, statuses=(200, 201)):
        if r.status not in statuses:
            raise AssertionError(f"{what}: HTTP {r.status}: {r.body[:400]!r}")

    def task_update(self):
        task = self.rng.choice(sorted(self.tasks))
        a = self.world.admin
        if self.tasks[task] is None:
            r = request(a, "GET", f"/api/v1/tasks/{task}")
            self.expect(r, f"GET task {task}", (200,))
            self.tasks[task] = r.header("ETag")
        title = f"crash c{self.cycle} w{self.index} n{self.count}"
        entry = self.ledger.add(kind="task", key=task, value=title)
        r = request(a, "PATCH", f"/api/v1/tasks/{task}", {"title_en": title},
                    if_match=self.tasks[task])
        self.expect(r, f"PATCH task {task}", (200,))
        self.tasks[task] = r.header("ETag")
        self.ledger.ack(entry)

    def put_value(self):
        unit_id, _, period = self.world.cell()
        value = self.rng.randint(0, 10 ** 6)
        entry = self.ledger.add(kind="values", key=[(unit_id, period)], value=[value])
        r = request(self.world.admin, "PUT",
                    f"/api/v1/data-values/{self.world.indicator}/{unit_id}/{period}",
                    {"value": value, "comment": f"crash c{self.cycle}"})
        self.expect(r, f"PUT value {unit_id}/{period}", (200, 201))
        self.ledger.ack(entry)

    def bulk_values(self):
        rows = [self.world.cell() for _ in range(self.rng.randint(5, 60))]
        values = [self.rng.randint(0, 10 ** 6) for _ in rows]
        lines = ["indicator_code,unit_code,period,value,comment"]
        lines += [f"{INDICATOR},{code},{period},{v},bulk c{self.cycle}"
                  for (_, code, period), v in zip(rows, values)]
        entry = self.ledger.add(kind="values", key=[(u, p) for u, _, p in rows], value=values)
        r = request(self.world.admin, "POST", "/api/v1/data-values",
                    ("\n".join(lines) + "\n").encode(), {"Content-Type": "text/csv"})
        self.expect(r, "POST bulk values", (200,))
        if r.json().get("written") != len(rows):
            raise AssertionError(f"bulk values: wrote {r.json()}, sent {len(rows)}")
        self.ledger.ack(entry)

    def report_step(self):
        w, rep = self.world, self.report
        if not rep:
            plan, period = w.report_slot()
            # Until it is answered the id is unknown: a create in flight is not checked.
            entry = self.ledger.add(kind="report-create", key=(plan, period), value="draft")
            r = request(w.officer, "POST", "/api/v1/reports",
                        {"plan": plan, "unit": w.report_unit, "period": period})
            self.expect(r, f"create report {plan}/{period}", (201,))
            rep.update(id=r.json()["id"], etag=r.header("ETag"), state="draft")
            entry.update(kind="report", key=rep["id"], before=None, holder=rep)
            self.ledger.ack(entry)
            return
        if rep["state"] == "approved":
            rep.clear()
            return
        if rep.get("etag") is None:
            r = request(w.officer, "GET", f"/api/v1/reports/{rep['id']}")
            self.expect(r, f"GET report {rep['id']}", (200,))
            rep["etag"] = r.header("ETag")
        action, client, to = (("submit", w.officer, "submitted") if rep["state"] == "draft" else
                              ("approve", w.leader, "approved"))
        entry = self.ledger.add(kind="report", key=rep["id"], value=to, before=rep["state"],
                                holder=rep)
        r = request(client, "POST", f"/api/v1/reports/{rep['id']}/{action}", {},
                    if_match=rep["etag"])
        self.expect(r, f"{action} report {rep['id']}", (200,))
        if r.json()["state"] != to:
            raise AssertionError(f"{action} report {rep['id']}: state {r.json()['state']}")
        if to == "approved" and not r.json().get("signature"):
            raise AssertionError(f"approve report {rep['id']}: no signature: {r.body[:300]!r}")
        rep.update(etag=r.header("ETag"), state=to)
        self.ledger.ack(entry)

    def import_file(self):
        n = next(self.world.imports)
        marker = f"CRASH.c{self.cycle}.i{n}."
        rows = self.rng.randint(20, 300)
        lines = ["number,kind,title_vi"]
        lines += [f"{marker}{i},dispatch,Văn bản thử nghiệm {n}.{i}" for i in range(rows)]
        entry = self.ledger.add(kind="import", key=marker, value=rows)
        r = request(self.world.admin, "POST", "/api/v1/imports/directives",
                    ("\r\n".join(lines) + "\r\n").encode(), {"Content-Type": "text/csv"})
        self.expect(r, f"import {marker}", (200,))
        if r.json().get("inserted") != rows:
            raise AssertionError(f"import {marker}: {r.json().get('inserted')} inserted of {rows}")
        self.ledger.ack(entry)


def read_only(db):
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)


def check_integrity(db):
    with read_only(db) as conn:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    conn.close()
    if rows != [("ok",)]:
        raise Lost(f"integrity_check: {rows}")


def verify(world, ledger, entries, titles, db):
    """Checks `entries` (acknowledged or in flight) against the restarted server and the file;
    updates `titles` (task: title_en) and the writers' reports to what is there now."""
    a = world.admin
    conn = read_only(db)
    try:
        reports = {}  # report id: its entries, in order
        tasks = {}  # task id: its entries, in order
        for e in entries:
            kind, acked = e["kind"], e["state"] == "acked"
            if kind == "values":
                found = [value_of(world, conn, unit, period, via_api=len(e["key"]) == 1)
                         for unit, period in e["key"]]
                present = [f is not None for f in found]
                for (unit, period), f, value in zip(e["key"], found, e["value"]):
                    if f is not None and f != value:
                        raise Lost(f"value {unit}/{period}: {f}, written {value}")
                if acked and not all(present):
                    raise Lost("acknowledged values missing: "
                               f"{[k for k, f in zip(e['key'], present) if not f]}")
                if any(present) and not all(present):
                    raise Lost(f"bulk write half there: {sum(present)} of {len(present)} values")
            elif kind == "import":
                n = conn.execute("SELECT count(*) FROM directives WHERE number LIKE ?",
                                 (e["key"] + "%",)).fetchone()[0]
                if n not in (0, e["value"]) or (acked and n != e["value"]):
                    raise Lost(f"import {e['key']}: {n} of {e['value']} rows there "
                               f"({'acknowledged' if acked else 'in flight'})")
                if n:
                    ledger.imports_whole += 1
                else:
                    ledger.imports_absent += 1
            elif kind == "report":
                reports.setdefault(e["key"], []).append(e)
                continue
            elif kind == "task":
                tasks.setdefault(e["key"], []).append(e)
                continue
            if acked:
                ledger.verified += 1
        # A report is in the state of its last acknowledged step, or of the step in flight after it.
        for rid, steps in reports.items():
            r = a.get(f"/api/v1/reports/{rid}", check=True)
            if r.status != 200:
                raise Lost(f"report {rid}: HTTP {r.status} {r.body[:200]!r}")
            state, last = r.json()["state"], steps[-1]
            allowed = {last["value"]} if last["state"] == "acked" else {last["before"], last["value"]}
            if state not in allowed:
                raise Lost(f"report {rid}: state {state}, expected one of {sorted(allowed)}")
            if state == "approved" and not r.json().get("signature"):
                raise Lost(f"report {rid}: approved without a signature")
            last["holder"].update(state=state, etag=None)
            ledger.verified += sum(1 for s in steps if s["state"] == "acked")
        # A task has the title of its last acknowledged update, or of the update in flight after it.
        for task, updates in tasks.items():
            r = a.get(f"/api/v1/tasks/{task}", check=True)
            if r.status != 200:
                raise Lost(f"task {task}: HTTP {r.status} {r.body[:200]!r}")
            title, acked_title, inflight = r.json()["title_en"], titles[task], None
            for u in updates:
                if u["state"] == "acked":
                    acked_title, inflight = u["value"], None
                else:
                    inflight = u["value"]
            allowed = {acked_title} | ({inflight} if inflight else set())
            if title not in allowed:
                raise Lost(f"task {task}: title_en {title!r}, expected one of {sorted(allowed)}")
            titles[task] = title
            ledger.verified += sum(1 for u in updates if u["state"] == "acked")
    finally:
        conn.close()


def value_of(world, conn, unit, period, via_api):
    """The stored value of the test's indicator at (unit, period), or None: through the server
    for single writes, straight from the file for bulk ones."""
    if via_api:
        r = world.admin.get(f"/api/v1/data-values/{world.indicator}/{unit}/{period}", check=True)
        if r.status == 404:
            return None
        if r.status != 200:
            raise Lost(f"value {unit}/{period}: HTTP {r.status} {r.body[:200]!r}")
        return r.json()["value"]
    row = conn.execute("SELECT value FROM data_values WHERE indicator_id = ? AND unit_id = ? "
                       "AND period = ?", (world.indicator, unit, period)).fetchone()
    return None if row is None else row[0]


def audit_verify(db):
    done = subprocess.run([harness.binary(), "audit", "verify", "--db", db], capture_output=True,
                          timeout=300)
    if done.returncode != 0:
        raise Lost(f"planwatch audit verify --db {db}: exit {done.returncode}: "
                   f"{done.stdout.decode(errors='replace')}{done.stderr.decode(errors='replace')}")


def setup(directory):
    db = os.path.join(directory, "crash.db")
    harness.run_cli("init", "--demo", "--db", db)
    people = {"crash_admin": ("admin", "VN"), "crash_officer": ("unit_officer", REPORT_UNIT),
              "crash_leader": ("unit_leader", REPORT_UNIT)}
    for login, (role, unit) in people.items():
        harness.run_cli("user", "add", "--db", db, "--login", login, "--role", role, "--unit", unit,
                        stdin=(PASSWORD + "\n").encode())
    server = harness.Server(db, directory)
    try:
        clients = {}
        for login in people:
            session = harness.Client(server.port).login(login, PASSWORD)
            clients[login] = session.token_client(f"crash test {login}")
        a = clients["crash_admin"]
        units = [(u["id"], u["code"]) for u in
                 a.ok("GET", "/api/v1/org-units?limit=1000").json()["items"]
                 if u["code"].startswith("SL-") and u["valid_to"] is None]
        indicator = [i["id"] for i in a.ok("GET", "/api/v1/indicators?limit=1000").json()["items"]
                     if i["code"] == INDICATOR][0]
        plans = [p["id"] for p in a.ok("GET", "/api/v1/plans?limit=1000").json()["items"]]
        tasks = {t["id"]: t["title_en"] for t in
                 a.ok("GET", "/api/v1/tasks?limit=1000").json()["items"]}
        report_unit = [u for u, code in units if code == REPORT_UNIT][0]
    finally:
        code = server.stop()
    if code != 0:
        raise RuntimeError(f"setup server exit {code}: {server.stderr()}")
    for c in clients.values():
        c.cookie = None
    return db, World(clients["crash_admin"], clients["crash_officer"], clients["crash_leader"],
                     tasks, units, indicator, plans, report_unit)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--min-delay", type=float, default=0.2, help="seconds before the kill")
    parser.add_argument("--max-delay", type=float, default=1.5)
    parser.add_argument("--binary", help="planwatch binary (default: $PLANWATCH_BIN)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if args.binary:
        os.environ["PLANWATCH_BIN"] = args.binary
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"crash test: seed {seed} (rerun with --seed {seed})", flush=True)
    rng = random.Random(seed)
    started = time.monotonic()
    directory = tempfile.mkdtemp(prefix="pw-crash-")
    ledger = Ledger()
    cycle = 0
    try:
        db, world = setup(directory)
        # Each writer owns a disjoint set of tasks and one report at a time.
        own_tasks = [{t: None for t in world.tasks[i::args.threads][:8]}
                     for i in range(args.threads)]
        reports = [{} for _ in range(args.threads)]
        pending = []  # the previous cycle's entries, checked after the restart
        for cycle in range(1, args.cycles + 2):
            server = harness.Server(db, directory)
            world_port(world, server.port)
            if pending:
                verify(world, ledger, pending, world.titles, db)
                check_integrity(db)
                audit_verify(db)
            for tasks in own_tasks:
                for t in tasks:
                    tasks[t] = None  # ETags are read again after a restart
            if cycle > args.cycles:  # the last start only checks, then stops gracefully
                code = server.stop()
                if code != 0:
                    raise Lost(f"graceful stop after the last cycle: exit {code}")
                break
            writers = [Writer(world, ledger, cycle, i, random.Random(rng.randrange(1 << 32)),
                              own_tasks[i], reports[i]) for i in range(args.threads)]
            for w in writers:
                w.start()
            time.sleep(rng.uniform(args.min_delay, args.max_delay))
            server.proc.send_signal(signal.SIGKILL)
            server.stop(signal_first=False)
            for w in writers:
                w.join(timeout=60)
                if w.is_alive():
                    raise Lost(f"writer {w.index} hangs after the kill")
            errors = [e for w in writers for e in w.errors]
            if errors:
                raise AssertionError(f"cycle {cycle}: " + "; ".join(errors))
            pending = ledger.take()
    except (Lost, AssertionError, RuntimeError) as e:
        print(f"crash test FAILED in cycle {cycle} (seed {seed}): {e}", flush=True)
        print(f"work folder kept: {directory}", flush=True)
        return 1
    lost = ledger.acked - ledger.verified
    print(f"crash test: {args.cycles} cycles, {ledger.acked} writes acknowledged, "
          f"{ledger.verified} verified, {lost} lost, {ledger.inflight} in flight at a kill, "
          f"imports {ledger.imports_whole} whole / {ledger.imports_absent} absent, "
          "audit chain verified, "
          f"seed {seed}, {time.monotonic() - started:.1f} s", flush=True)
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)
    return 0 if lost == 0 else 1


def world_port(world, port):
    for c in (world.admin, world.officer, world.leader):
        c.port = port


if __name__ == "__main__":
    sys.exit(main())
