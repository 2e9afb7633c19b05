"""Two planwatch nodes on one PostgreSQL database: what one node acknowledges, the other answers.

Starts the Son La demo in a new database of the test cluster (PW_TEST_POSTGRES names the file
holding its URL) and two `planwatch serve` processes on it, A and B. Then:

1. Visibility: a value written through A is in B's rollup (`GET /api/v1/analytics/indicators`)
   in B's very first answer after A acknowledged it. The time from A's acknowledgement to B's
   answer is reported (p50, max).
2. Writers: ten threads, each owning its cells (unit, month of 2050-2099; each written once, as
   a new value needs no If-Match), put values for
   `--seconds` through A and B in turn. Halfway, A is killed with SIGKILL; the writers of A then
   go on through B, and A is started again. At the end every acknowledged value is stored (or a
   later one of the same cell that was in flight at the kill, read straight from the database),
   and the rollups of the province (whole, by child unit, by period) on A and B equal those of
   a third node started afresh on the database at the end, which loads them from the tables.

Any failure exits 1 with the reason; the last line sums up the run.
"""

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import harness  # noqa: E402

INDICATOR = "OPEN_DATASETS"  # monthly, summed over units and months
PROVINCE = "SL"
VISIBILITY_YEAR = 2040  # no demo record uses these years (2040-2049)
WRITERS_YEARS = (2050, 2099)
ADMIN = "nodes_admin"


def token_client(port):
    return harness.Client(port).login(ADMIN).token_client("two nodes")


def rollup(client, period, unit=PROVINCE):
    r = client.ok("GET", f"/api/v1/analytics/indicators?indicator={INDICATOR}&unit={unit}"
                         f"&periods={period}")
    rows = r.json()["rows"]
    return rows[0]["value"] if rows else None


class Node:
    def __init__(self, name, db, workdir):
        self.name, self.db = name, db
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.start()

    def start(self):
        self.server = harness.Server(self.db, self.dir)
        self.client = token_client(self.server.port)

    def kill(self):
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.stop(signal_first=False)

    def stop(self):
        code = self.server.stop()
        if code != 0:
            raise AssertionError(f"node {self.name} exit {code}: {self.server.stderr()}")


def visibility(a, b, indicator, unit, rounds):
    """Writes through A, reads B's rollup once right after A's acknowledgement."""
    latencies = []
    for k in range(rounds):
        period = f"{VISIBILITY_YEAR + k // 12}{k % 12 + 1:02d}"  # a new cell each round
        value = 1000 + k
        r = a.client.call("PUT", harness.value_path(indicator, unit, period), {"value": value})
        if r.status not in (200, 201):
            raise AssertionError(f"round {k}: PUT through A answered {r.status}")
        acked = time.monotonic()
        seen = rollup(b.client, period, PROVINCE)
        latencies.append(time.monotonic() - acked)
        if seen != value:
            raise AssertionError(f"round {k}: B answered {seen} for {period} after A acknowledged "
                                 f"{value}")
    return latencies


class Writer(threading.Thread):
    def __init__(self, index, nodes, cells, indicator, stop_at, rng):
        super().__init__(daemon=True)
        self.index, self.nodes, self.cells = index, nodes, cells
        self.indicator, self.stop_at, self.rng = indicator, stop_at, rng
        self.acked = {}       # cell -> last acknowledged value
        self.in_flight = {}   # cell -> values sent but not acknowledged (a node died)
        self.writes = 0
        self.failed = None

    def run(self):
        n = 0
        try:
            while time.monotonic() < self.stop_at:
                node = self.nodes[(self.index + n) % 2]
                n += 1
                if not self.cells:
                    break
                unit, period = self.cells.pop()
                value = self.rng.randint(0, 10 ** 6)
                try:
                    r = node.client.call("PUT", harness.value_path(self.indicator, unit, period),
                                         {"value": value}, check=False)
                except OSError:
                    self.in_flight.setdefault((unit, period), set()).add(value)
                    continue  # the node is down: the next write goes to the other one
                if r.status >= 500 and node.server.proc.poll() is not None:
                    self.in_flight.setdefault((unit, period), set()).add(value)
                    continue
                if r.status not in (200, 201):
                    raise AssertionError(f"writer {self.index}: PUT answered {r.status} {r.body[:200]}")
                self.acked[(unit, period)] = value
                self.in_flight.pop((unit, period), None)
                self.writes += 1
        except Exception as e:  # reported by the main thread
            self.failed = e


def rollup_queries(years):
    base = f"/api/v1/analytics/indicators?indicator={INDICATOR}&unit={PROVINCE}"
    span = f"{years[0]}..{years[1]}"
    return [f"{base}&periods={span}", f"{base}&periods={span}&by=children",
            f"{base}&periods={span}&by=period",
            f"{base}&periods={years[0]}01..{years[0] + 4}12&by=period"]


def stored_values(db, indicator, years):
    out = {}
    for line in harness.psql(db, f"SELECT unit_id, period, value FROM data_values WHERE "
                                 f"indicator_id = {indicator} AND period >= '{years[0]}' AND "
                                 f"period < '{years[1] + 1}'").split():
        unit, period, value = line.split("|")
        out[(int(unit), period)] = float(value)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--binary", help="planwatch binary (default: $PLANWATCH_BIN)")
    args = parser.parse_args()
    if args.binary:
        os.environ["PLANWATCH_BIN"] = args.binary
    harness.ENGINE = "postgres"
    seed = args.seed if args.seed is not None else random.randrange(2 ** 32)
    print(f"seed {seed}", flush=True)
    rng = random.Random(seed)
    workdir = tempfile.mkdtemp(prefix="pw-nodes-")
    db = harness.new_database(workdir, "nodes")
    harness.run_cli("init", "--demo", "--db", db)
    harness.run_cli("user", "add", "--db", db, "--login", ADMIN, "--role", "admin", "--unit", "VN",
                    stdin=(harness.PASSWORD + "\n").encode())
    a = Node("a", db, workdir)
    b = Node("b", db, workdir)
    try:
        indicator = [i["id"] for i in a.client.ok("GET", "/api/v1/indicators?limit=1000").json()["items"]
                     if i["code"] == INDICATOR][0]
        units = [u["id"] for u in a.client.ok("GET", "/api/v1/org-units?limit=1000").json()["items"]
                 if u["code"].startswith("SL-") and u["valid_to"] is None]
        latencies = visibility(a, b, indicator, units[0], args.rounds)

        # Each writer owns its cells, so each cell has one writer and one expected outcome.
        cells = [(u, f"{y}{m:02d}") for u in units for m in range(1, 13)
                 for y in range(WRITERS_YEARS[0], WRITERS_YEARS[1] + 1)]
        rng.shuffle(cells)
        share = [cells[i::args.writers] for i in range(args.writers)]
        stop_at = time.monotonic() + args.seconds
        writers = [Writer(i, [a, b], share[i], indicator, stop_at, random.Random(rng.random()))
                   for i in range(args.writers)]
        for w in writers:
            w.start()
        time.sleep(args.seconds / 2)
        a.kill()
        killed_at = time.monotonic()
        a.start()  # back while the writers go on
        restarted_in = time.monotonic() - killed_at
        for w in writers:
            w.join()
        for w in writers:
            if w.failed:
                raise AssertionError(f"writer {w.index}: {w.failed}")

        stored = stored_values(db, indicator, WRITERS_YEARS)
        lost = []
        acked = in_flight_kept = 0
        for w in writers:
            for cell, value in w.acked.items():
                acked += 1
                got = stored.get(cell)
                if got == value:
                    continue
                if got is not None and got in w.in_flight.get(cell, ()):
                    in_flight_kept += 1  # a later write, in flight at the kill, was stored
                    continue
                lost.append((cell, value, got))
        if lost:
            raise AssertionError(f"{len(lost)} acknowledged values lost, e.g. {lost[:5]}")
        # The recomputation: a third node loads its index from the database afresh.
        c = Node("c", db, workdir)
        try:
            for query in rollup_queries(WRITERS_YEARS):
                answers = [n.client.ok("GET", query).json()["rows"] for n in (a, b, c)]
                if answers[0] != answers[2] or answers[1] != answers[2]:
                    raise AssertionError(f"{query}: A, B and a fresh node C differ: {answers}")
            expected = rollup(c.client, f"{WRITERS_YEARS[0]}..{WRITERS_YEARS[1]}")
        finally:
            c.stop()
        writes = sum(w.writes for w in writers)
    finally:
        for node in (a, b):
            try:
                node.stop()
            except AssertionError as e:
                print(e, file=sys.stderr)
        harness.drop_databases()
    ms = sorted(x * 1000 for x in latencies)
    print(f"two nodes: visibility A->B over {len(ms)} writes p50 {statistics.median(ms):.1f} ms, "
          f"max {ms[-1]:.1f} ms; {args.writers} writers {args.seconds:.0f} s: {writes} writes "
          f"acknowledged, {acked} cells, 0 lost ({in_flight_kept} overtaken by a write in flight "
          f"at the kill), node A killed and back in {restarted_in:.1f} s; rollups (province "
          f"{expected}) equal on A, B and a fresh node; seed {seed}")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"two nodes: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
