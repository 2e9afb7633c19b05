"""Scorecards against the demo province (`planwatch init --demo`): the server's cards for 2025 and
for 2025Q3 match a hand computation written here from the demo's CSV files (data/demo: units,
tasks, task-updates, data-values, indicators, targets), component by component; ranks, filters,
history, weights and access.

The hand computation (class Demo) follows the rules of docs/scorecards.md, not the server's code.
"""

import csv
import datetime
import os
import shutil
import tempfile
import unittest

import harness

DEMO = harness.DEMO_DIR
PLAN = "333-KH/TU"

ONE_DAY = datetime.timedelta(days=1)
TYPE_ORDER = ["central", "province", "committee", "department", "commune", "ward", "village",
              "other"]
WEIGHTS = (0.5, 0.2, 0.3)
RECURRING_DUE_DAYS = 20


def rows(kind):
    with open(os.path.join(DEMO, f"{kind}.csv"), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def day(text):
    return datetime.date.fromisoformat(text) if text else None


# ---- periods ----

class Period:
    """`2025`, `2025S1`, `2025Q3`, `202503`: kind Y, S, Q or M."""

    MONTHS = {"Y": 12, "S": 6, "Q": 3, "M": 1}
    RANK = {"Y": 0, "S": 1, "Q": 2, "M": 3}

    def __init__(self, kind, year, index=1):
        self.kind, self.year, self.index = kind, year, index

    @staticmethod
    def parse(text):
        if len(text) == 4:
            return Period("Y", int(text))
        if text[4] == "S":
            return Period("S", int(text[:4]), int(text[5:]))
        if text[4] == "Q":
            return Period("Q", int(text[:4]), int(text[5:]))
        return Period("M", int(text[:4]), int(text[4:]))

    @staticmethod
    def containing(d, kind):
        months = Period.MONTHS[kind]
        return Period(kind, d.year, (d.month - 1) // months + 1)

    def start(self):
        months = self.MONTHS[self.kind]
        return datetime.date(self.year, (self.index - 1) * months + 1, 1)

    def end(self):
        return self.next().start() - ONE_DAY

    def next(self):
        per_year = 12 // self.MONTHS[self.kind]
        if self.index == per_year:
            return Period(self.kind, self.year + 1, 1)
        return Period(self.kind, self.year, self.index + 1)

    def previous(self):
        if self.index == 1:
            return Period(self.kind, self.year - 1, 12 // self.MONTHS[self.kind])
        return Period(self.kind, self.year, self.index - 1)

    def contains_date(self, d):
        return self.start() <= d <= self.end()

    def contains(self, other):
        return self.start() <= other.start() and other.end() <= self.end()

    def key(self):
        return (self.start(), self.RANK[self.kind])

    def __eq__(self, other):
        return (self.kind, self.year, self.index) == (other.kind, other.year, other.index)

    def __hash__(self):
        return hash((self.kind, self.year, self.index))

    def __str__(self):
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "M":
            return f"{self.year}{self.index:02d}"
        return f"{self.year}{self.kind}{self.index}"


PERIOD_KIND = {"monthly": "M", "quarterly": "Q", "half_yearly": "S", "yearly": "Y"}


# ---- the demo ----

class Demo:
    def __init__(self):
        self.units = {u["code"]: u for u in rows("units")}
        self.successors = {}  # predecessor -> [(successor, effective_on)]
        for u in self.units.values():
            for s in filter(None, u["successor_codes"].split(";")):
                self.successors.setdefault(u["code"], []).append((s, day(u["valid_to"]) + ONE_DAY))
        self.plan = next(p for p in rows("plans") if p["code"] == PLAN)
        self.tasks = [t for t in rows("tasks") if t["plan_code"] == PLAN]
        self.events = {}
        for e in rows("task-updates"):
            if e["plan_code"] == PLAN:
                self.events.setdefault(e["task_code"], []).append(e)
        self.indicators = {i["code"]: i for i in rows("indicators")}
        self.targets = {}
        for t in rows("targets"):
            self.targets.setdefault(t["indicator_code"], []).append(t)
        self._leads = {}
        self.values = {}  # indicator -> unit -> {period: value}
        for v in rows("data-values"):
            self.values.setdefault(v["indicator_code"], {}).setdefault(v["unit_code"], {})[
                v["period"]] = float(v["value"])

    # -- units --

    def active(self, code, d):
        u = self.units[code]
        return (not u["valid_from"] or day(u["valid_from"]) <= d) and (
            not u["valid_to"] or d <= day(u["valid_to"]))

    def successors_on(self, code, d):
        if self.active(code, d):
            return {code}
        out = set()
        for s, effective in self.successors.get(code, []):
            if effective <= d:
                out |= self.successors_on(s, d)
        return out

    def predecessors(self, code):
        out = set()
        for p, edges in self.successors.items():
            if any(s == code for s, _ in edges):
                out |= {p} | self.predecessors(p)
        return out

    def subtree(self, code):
        out = {code}
        for c, u in self.units.items():
            if u["parent_code"] == code:
                out |= self.subtree(c)
        return out

    def rollup_units(self, code):
        out = set()
        for u in self.subtree(code):
            out |= {u} | self.predecessors(u)
        return out

    # -- tasks --

    def ordered(self, code):
        return sorted(self.events.get(code, []), key=lambda e: e["date"])  # stable

    def evaluate(self, task, d, claimed_view=False):
        """(status, deadline in force, slip days) of a task on d."""
        if d < day(task["assigned_on"]):
            return "not_assigned", None, 0
        claims = []  # [event, verified_on, corrected, returned]
        amended, cancelled = None, None
        for e in self.ordered(task["code"]):
            if day(e["date"]) > d:
                break
            standing = next((c for c in reversed(claims) if not c[3]), None)
            if e["kind"] == "claim":
                claims.append([e, None, None, False])
            elif e["kind"] == "verify" and standing:
                standing[1] = standing[1] or day(e["date"])
                if e["completed_on"]:
                    standing[2] = day(e["completed_on"])
            elif e["kind"] == "return" and standing:
                standing[3] = True
            elif e["kind"] == "amend" and e["new_deadline"]:
                amended = day(e["new_deadline"])
            elif e["kind"] == "cancel" and not cancelled:
                cancelled = day(e["date"])
        original = day(task["deadline"])
        deadline = amended or original
        slip = (deadline - original).days if deadline and original else 0
        if task["kind"] == "recurring":
            return ("cancelled" if cancelled else "recurring"), None, 0
        if cancelled:
            return "cancelled", deadline, slip
        standing = next((c for c in reversed(claims) if not c[3]), None)
        completed = None
        if standing and (standing[1] or claimed_view):
            completed = standing[2] or day(standing[0]["completed_on"]) or day(standing[0]["date"])
        if completed:
            return ("done_on_time" if not deadline or completed <= deadline else "done_late"), \
                deadline, slip
        return ("in_progress_on_time" if not deadline or d <= deadline else "overdue"), \
            deadline, slip

    def recurring_status(self, task, period, d):
        if d < day(task["assigned_on"]):
            return "not_assigned"
        events = self.events.get(task["code"], [])
        if any(e["kind"] == "cancel" and day(e["date"]) <= d for e in events):
            return "cancelled"
        if any(e["kind"] == "progress" and e["period"] == str(period) and day(e["date"]) <= d
               for e in events):
            return "reported"
        if d <= period.end() + datetime.timedelta(days=RECURRING_DUE_DAYS) or \
                period.end() < day(task["assigned_on"]):
            return "not_due"
        return "missing"

    # -- indicators --

    def applicable_targets(self, code, unit):
        chosen = {}
        for t in self.targets.get(code, []):
            rank = 1 if t["unit_code"] else 0
            if t["unit_code"] and t["unit_code"] != unit:
                continue
            d = day(t["date"])
            if d not in chosen or rank >= chosen[d][0]:
                chosen[d] = (rank, float(t["value"]))
        return sorted((d, v) for d, (_, v) in chosen.items())

    @staticmethod
    def expected(baseline, targets, d):
        b_value, b_date = baseline
        if d <= b_date or not targets:
            return b_value
        prev_value, prev_date = b_value, b_date
        for t_date, t_value in targets:
            if t_date < d:
                if t_date > prev_date:
                    prev_value, prev_date = t_value, t_date
                continue
            if t_date == d:
                return t_value
            return prev_value + (t_value - prev_value) * (d - prev_date).days / (
                t_date - prev_date).days
        return targets[-1][1]

    def over_time(self, aggregation, values, first, last):
        inside = [(Period.parse(p), v) for p, v in values.items()
                  if first.start() <= Period.parse(p).start() and
                  Period.parse(p).end() <= last.end()]
        if not inside:
            return None
        if aggregation == "sum":
            return sum(v for _, v in inside)
        if aggregation == "average":
            return sum(v for _, v in inside) / len(inside)
        return max(inside, key=lambda pv: pv[0].end())[1]

    def rollup(self, code, units, first, last):
        ind = self.indicators[code]
        if ind["unit_aggregation"] == "ratio":
            num, den = ind["numerator_code"], ind["denominator_code"]
            n_sum = d_sum = 0.0
            found = False
            for u in units:
                n = self.over_time(self.indicators[num]["time_aggregation"],
                                   self.values.get(num, {}).get(u, {}), first, last)
                dv = self.over_time(self.indicators[den]["time_aggregation"],
                                    self.values.get(den, {}).get(u, {}), first, last)
                if n is None or dv is None:
                    continue
                n_sum, d_sum, found = n_sum + n, d_sum + dv, True
            if not found or d_sum == 0:
                return None
            return n_sum / d_sum * float(ind["factor"] or 1)
        per_unit = [self.over_time(ind["time_aggregation"], self.values.get(code, {}).get(u, {}),
                                   first, last) for u in units]
        per_unit = [v for v in per_unit if v is not None]
        if not per_unit:
            return None
        agg = ind["unit_aggregation"]
        if agg == "sum":
            return sum(per_unit)
        if agg == "average":
            return sum(per_unit) / len(per_unit)
        return min(per_unit) if agg == "min" else max(per_unit)

    def achievement(self, code, judged_unit, period, d):
        ind = self.indicators[code]
        if not ind["baseline_value"] or not ind["baseline_date"]:
            return None
        baseline = (float(ind["baseline_value"]), day(ind["baseline_date"]))
        targets = self.applicable_targets(code, judged_unit)
        if not targets:
            return None
        kind = PERIOD_KIND[ind["period_type"]]
        units = self.rollup_units(judged_unit)
        last = Period.containing(d, kind)
        if ind["unit_aggregation"] == "ratio" or ind["time_aggregation"] == "last":
            level = self.rollup(code, units, Period.containing(period.start(), kind), last)
        else:
            first = Period.containing(baseline[1] + ONE_DAY, kind)
            if last.key() < first.key():
                return None
            level = self.rollup(code, units, first, last)
            if level is not None and ind["time_aggregation"] == "sum":
                level += baseline[0]
        if level is None:
            return None
        expected = self.expected(baseline, targets, d)
        if abs(expected - baseline[0]) <= 1e-9 * max(abs(expected), abs(baseline[0]), 1):
            a = 1.0 if level >= expected else 0.0
        else:
            a = (level - baseline[0]) / (expected - baseline[0])
        return min(max(a, 0.0), 1.2)

    # -- reports (none in the demo: every report due is missing) --

    def report_leads(self, month):
        key = str(month)
        if key not in self._leads:
            self._leads[key] = {t["lead_unit_code"] for t in self.tasks if self.evaluate(
                t, month.end())[0] not in ("not_assigned", "cancelled")}
        return self._leads[key]

    def report_timeliness(self, unit, period, today):
        """Monthly reports (the default schedule), due on the 20th of the next month."""
        start, end = day(self.plan["start"]), day(self.plan["end"])
        due = 0
        m = Period.containing(period.start(), "M")
        while period.contains(m):
            inside = not ((start and m.end() < start) or (end and m.start() > end))
            if inside and unit in self.report_leads(m):
                if today > (m.end() + ONE_DAY).replace(day=20):
                    due += 1
            m = m.next()
        return 0.0 if due else None

    # -- scorecards --

    def card(self, unit, period, d, today, weights=WEIGHTS):
        lineage = {unit} | self.predecessors(unit)
        counts = dict(total=0, done=0, done_on_time=0, done_late=0, in_progress_on_time=0,
                      overdue=0, cancelled=0, due=0, due_done_on_time=0, recurring_reported=0,
                      recurring_missing=0, recurring_not_due=0, recurring_cancelled=0,
                      slip_days=0)
        led, linked = [], set()
        for t in self.tasks:
            status, deadline, slip = self.evaluate(t, d)
            if status == "not_assigned" or t["lead_unit_code"] not in lineage:
                continue
            led.append(t)
            if status != "cancelled":
                linked |= set(filter(None, t["indicator_codes"].split(";")))
            if t["kind"] == "recurring":
                p = Period.containing(period.start(), PERIOD_KIND[t["cadence"]])
                while p.start() <= period.end() and p.start() <= d:
                    if period.contains(p) and p.end() >= day(t["assigned_on"]):
                        s = self.recurring_status(t, p, d)
                        if s != "not_assigned":
                            counts["recurring_" + s] += 1
                    p = p.next()
                continue
            if not deadline or not period.contains_date(deadline):
                continue
            if status == "cancelled":
                counts["cancelled"] += 1
                continue
            counts["total"] += 1
            counts["slip_days"] += slip
            counts[status] += 1
            if status.startswith("done"):
                counts["done"] += 1
            if deadline <= d:
                counts["due"] += 1
                if status == "done_on_time":
                    counts["due_done_on_time"] += 1
        on_time = counts["due_done_on_time"] / counts["due"] if counts["due"] else None

        shown = []
        judged = linked | {c for c, i in self.indicators.items()
                           if i["responsible_unit_code"] == unit}
        for code in sorted(judged):
            at = self.plan["issuer_code"] if self.indicators[code][
                "responsible_unit_code"] == unit else unit
            a = self.achievement(code, at, period, d)
            if a is not None:
                shown.append(a)
        achievement = sum(shown) / len(shown) if shown else None

        timeliness = self.report_timeliness(unit, period, today)
        parts = [(weights[0], on_time), (weights[1], timeliness)]
        if achievement is not None:
            parts.append((weights[2], min(max(achievement, 0), 1.2, 1.0)))
        parts = [(w, v) for w, v in parts if v is not None]
        weight_sum = sum(w for w, _ in parts)
        score = round(100 * sum(w * v for w, v in parts) / weight_sum, 6) if weight_sum else None
        rating = None
        if score is not None:
            rating = ("excellent" if score >= 90 else "good" if score >= 70 else
                      "completed" if score >= 50 else "not_completed")

        # Freshness over the last 3 months ended by d.
        last = Period.containing(d, "M")
        if d != last.end():
            last = last.previous()
        months = [last.previous().previous(), last.previous(), last]
        v_expected = v_present = 0
        for code in judged:
            ind = self.indicators[code]
            if ind["period_type"] != "monthly" or ind["unit_aggregation"] == "ratio":
                continue
            own = self.values.get(code, {}).get(unit, {})
            for m in months:
                v_expected += 1
                v_present += str(m) in own
        u_expected = u_present = 0
        for t in led:
            for m in months:
                if day(t["assigned_on"]) > m.end():
                    continue
                status, _, _ = self.evaluate(t, m.start() - ONE_DAY, claimed_view=True)
                if status.startswith("done") or status == "cancelled":
                    continue
                u_expected += 1
                u_present += any(m.contains_date(day(e["date"]))
                                 for e in self.events.get(t["code"], []))

        def frac(a, b):
            return a / b if b else None

        return {
            "unit": unit,
            "type": self.units[unit]["type"],
            "leader_name": self.units[unit]["leader_name"],
            "leader_title": self.units[unit]["leader_title"],
            "tasks": counts,
            "on_time_rate": on_time,
            "report_timeliness": timeliness,
            "indicator_achievement": achievement,
            "indicators_judged": len(shown),
            "score": score,
            "rating": rating,
            "value_freshness": frac(v_present, v_expected),
            "update_freshness": frac(u_present, u_expected),
            "freshness": frac(v_present + u_present, v_expected + u_expected),
        }

    def reporters(self, d):
        out = set()
        for t in self.tasks:
            status, _, _ = self.evaluate(t, d)
            if status not in ("not_assigned", "cancelled"):
                out |= self.successors_on(t["lead_unit_code"], d)
        return out

    def scorecards(self, period, today, weights=WEIGHTS):
        """Every expected reporter's card for `period`, with rank and peer_count."""
        d = min(period.end(), today)
        cards = [self.card(u, period, d, today, weights) for u in sorted(self.reporters(d))]
        for c in cards:
            peers = [p for p in cards if p["type"] == c["type"]]
            c["peer_count"] = len(peers)
            c["rank"] = None if c["score"] is None else 1 + sum(
                1 for p in peers if p["score"] is not None and p["score"] > c["score"])
        return {c["unit"]: c for c in cards}


# ---- the demo server ----

class DemoServer:
    """A demo province of its own (harness.demo_database, one user per entry of
    harness.DEMO_USERS) and its server."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pw-demo-")
        self.db = harness.demo_database(self.dir)
        self.server = harness.Server(self.db, self.dir)
        self.port = self.server.port
        self._clients = {}
        self.plan_id = {p["code"]: p["id"] for p in
                        self.client("admin_vn").ok("GET", "/api/v1/plans?limit=1000").json()["items"]}

    def client(self, login):
        if login not in self._clients:
            self._clients[login] = harness.Client(self.port).login(login)
        return self._clients[login]

    def close(self):
        # A new demo database keeps the server busy for a while after start (the first urging
        # scan of the whole province), which a stop waits for.
        code = self.server.stop(timeout=180)
        stderr = self.server.stderr()
        shutil.rmtree(self.dir, ignore_errors=True)
        harness.drop_databases()
        if code != 0:
            raise AssertionError(f"server exit code {code}; stderr:\n{stderr}")


_demo = None
_model = None


def demo():
    return _demo


def model():
    global _model
    if _model is None:
        _model = Demo()
    return _model


def setUpModule():
    global _demo
    _demo = DemoServer()


def tearDownModule():
    global _demo
    d, _demo = _demo, None
    if d is not None:
        d.close()


def server_today():
    """The server's date: `serve` defaults to UTC+07:00."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()


PLAN_Q = "333-KH%2FTU"
# Three wards and communes (one of them formed by merging two communes) and two departments.
CHOSEN = ["SL-W-CHIENGAN", "SL-W-TOHIEU", "SL-C-LONGSAP", "SL-C-DOANKET", "SL-SKHCN", "SL-SCT"]


class ScorecardsMatchHandComputation(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.d = demo()
        cls.m = model()
        cls.admin = cls.d.client("admin_vn")

    def cards(self, period, extra=""):
        r = self.admin.ok("GET", f"/api/v1/scorecards?plan={PLAN_Q}&period={period}&limit=1000"
                          f"{extra}")
        body = r.json()
        self.assertEqual(body["total"], len(body["items"]))
        return body["items"]

    def assert_card(self, got, want):
        unit = want["unit"]
        self.assertEqual(got["unit"]["code"], unit)
        self.assertEqual(got["unit"]["type"], want["type"], unit)
        self.assertEqual(got["unit"]["leader_name"], want["leader_name"], unit)
        self.assertEqual(got["unit"]["leader_title"], want["leader_title"], unit)
        for k, v in want["tasks"].items():
            self.assertEqual(got["tasks"][k], v, f"{unit} tasks.{k}")
        for k in ("on_time_rate", "report_timeliness", "indicator_achievement", "score",
                  "freshness", "value_freshness", "update_freshness"):
            if want[k] is None:
                self.assertIsNone(got[k], f"{unit} {k}")
            else:
                self.assertAlmostEqual(got[k], want[k], places=9, msg=f"{unit} {k}")
        for k in ("indicators_judged", "rating", "rank", "peer_count"):
            self.assertEqual(got[k], want[k], f"{unit} {k}")

    def check_period(self, period):
        want = self.m.scorecards(Period.parse(period), server_today())
        got = self.cards(period)
        self.assertEqual(sorted(c["unit"]["code"] for c in got), sorted(want))
        by_code = {c["unit"]["code"]: c for c in got}
        for unit in CHOSEN:
            if unit in want:
                self.assert_card(by_code[unit], want[unit])
        # Every rank and score, and the order: by type, then rank (unscored last), then code.
        for code, card in by_code.items():
            self.assertEqual(card["rank"], want[code]["rank"], code)
            self.assertEqual(card["peer_count"], want[code]["peer_count"], code)
        order = sorted(want.values(), key=lambda c: (
            TYPE_ORDER.index(c["type"]), c["score"] is None, -(c["score"] or 0), c["unit"]))
        self.assertEqual([c["unit"]["code"] for c in got], [c["unit"] for c in order])
        return want, by_code

    def test_year_2025(self):
        want, got = self.check_period("2025")
        # The hand computation covers a spread of outcomes, not one degenerate case.
        for unit in ("SL-W-CHIENGAN", "SL-W-TOHIEU", "SL-C-DOANKET", "SL-SKHCN"):
            self.assertIn(unit, want)
            self.assertIsNotNone(want[unit]["score"], unit)
        self.assertIsNotNone(want["SL-W-CHIENGAN"]["indicator_achievement"])
        self.assertGreater(want["SL-SKHCN"]["tasks"]["total"], 10)
        self.assertGreater(want["SL-W-CHIENGAN"]["peer_count"], 1)
        self.assertEqual(got["SL-W-CHIENGAN"]["unit"]["leader_name"], "Trần Công Chính")
        self.assertEqual(got["SL-W-CHIENGAN"]["judged_on"], "2025-12-31")
        self.assertEqual(got["SL-W-CHIENGAN"]["period"], "2025")

    def test_quarter_2025q3(self):
        want, got = self.check_period("2025Q3")
        self.assertEqual(got["SL-SKHCN"]["judged_on"], "2025-09-30")
        self.assertIsNotNone(want["SL-SKHCN"]["score"])

    def test_second_quarter_has_the_communes_before_the_merge(self):
        want, got = self.check_period("2025Q2")
        self.assertIn("SL-OLD-LONGSAP", want)
        self.assertNotIn("SL-C-LONGSAP", got)

    def test_type_and_unit_filters_keep_the_ranks_among_all_peers(self):
        all_cards = {c["unit"]["code"]: c for c in self.cards("2025")}
        wards = self.cards("2025", "&type=ward")
        self.assertTrue(wards)
        self.assertEqual({c["unit"]["type"] for c in wards}, {"ward"})
        for c in wards:
            self.assertEqual(c["rank"], all_cards[c["unit"]["code"]]["rank"])
        one = self.cards("2025", "&unit=SL-W-TOHIEU")
        self.assertEqual([c["unit"]["code"] for c in one], ["SL-W-TOHIEU"])
        self.assertEqual(one[0]["rank"], all_cards["SL-W-TOHIEU"]["rank"])
        self.assertEqual(one[0]["peer_count"], all_cards["SL-W-TOHIEU"]["peer_count"])
        page = self.admin.ok("GET", f"/api/v1/scorecards?plan={PLAN_Q}&period=2025&limit=2"
                                    "&offset=1").json()
        self.assertEqual([c["unit"]["code"] for c in page["items"]],
                         [c for c in list(all_cards)[1:3]])
        self.assertEqual(page["total"], len(all_cards))

    def test_history_of_a_ward(self):
        leader = self.d.client("leader_chiengan")
        r = leader.ok("GET", f"/api/v1/scorecards/history?plan={PLAN_Q}&unit=SL-W-CHIENGAN"
                             "&from=2025Q1&to=2025Q4")
        body = r.json()
        self.assertEqual(body["unit"]["code"], "SL-W-CHIENGAN")
        self.assertEqual([c["period"] for c in body["items"]],
                         ["2025Q1", "2025Q2", "2025Q3", "2025Q4"])
        for item in body["items"]:
            want = self.m.scorecards(Period.parse(item["period"]), server_today())
            if "SL-W-CHIENGAN" in want:
                self.assert_card(item, want["SL-W-CHIENGAN"])
            else:  # the ward exists from 2025-07-01
                self.assertIsNone(item["score"])
                self.assertIsNone(item["rank"])
                self.assertEqual(item["peer_count"],
                                 sum(1 for c in want.values() if c["type"] == "ward"))
        self.assertIsNone(body["items"][0]["score"])
        self.assertIsNotNone(body["items"][3]["score"])


class ScorecardAccess(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = demo()

    def test_a_ward_leader_sees_only_its_ward(self):
        leader = self.d.client("leader_chiengan")
        items = leader.ok("GET", f"/api/v1/scorecards?plan={PLAN_Q}&period=2025").json()["items"]
        self.assertEqual([c["unit"]["code"] for c in items], ["SL-W-CHIENGAN"])
        r = leader.get(f"/api/v1/scorecards?plan={PLAN_Q}&period=2025&unit=SL-W-TOHIEU")
        self.assertEqual(r.status, 403, r)
        self.assertIn("leader_chiengan", r.json()["detail"])
        r = leader.get(f"/api/v1/scorecards/history?plan={PLAN_Q}&unit=SL-SKHCN&from=2025Q1"
                       "&to=2025Q2")
        self.assertEqual(r.status, 403, r)

    def test_a_provincial_viewer_sees_every_unit_of_the_province(self):
        viewer = self.d.client("viewer_sl")
        admin = self.d.client("admin_vn")
        mine = viewer.ok("GET", f"/api/v1/scorecards?plan={PLAN_Q}&period=2025&limit=1000").json()
        every = admin.ok("GET", f"/api/v1/scorecards?plan={PLAN_Q}&period=2025&limit=1000").json()
        self.assertEqual(mine, every)

    def test_bad_parameters_are_named(self):
        admin = self.d.client("admin_vn")
        for query, field in [(f"plan={PLAN_Q}&period=2025q3", "period"),
                             (f"plan={PLAN_Q}&period=2025&type=city", "type"),
                             (f"plan={PLAN_Q}&period=2025&colour=red", "colour"),
                             (f"plan={PLAN_Q}&limit=0", "limit"),
                             ("period=2025", "plan")]:
            r = admin.get(f"/api/v1/scorecards?{query}")
            self.assertEqual(r.status, 400, (query, r))
            self.assertEqual([e["field"] for e in r.json()["errors"]], [field], query)
        r = admin.get("/api/v1/scorecards?plan=NO-SUCH-PLAN")
        self.assertEqual(r.status, 404, r)
        self.assertIn("NO-SUCH-PLAN", r.json()["detail"])
        r = admin.get(f"/api/v1/scorecards?plan={PLAN_Q}&unit=SL-NOWHERE")
        self.assertEqual(r.status, 404, r)
        self.assertIn("SL-NOWHERE", r.json()["detail"])
        r = admin.get(f"/api/v1/scorecards/history?plan={PLAN_Q}&unit=SL-SKHCN&from=2025Q1"
                      "&to=202503")
        self.assertEqual(r.status, 400, r)
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["to"])
        r = admin.get(f"/api/v1/scorecards/history?plan={PLAN_Q}&unit=SL-SKHCN&from=2025"
                      "&to=2199")
        self.assertEqual(r.status, 400, r)


class ScorecardWeights(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = demo()
        cls.m = model()
        cls.path = f"/api/v1/plans/{cls.d.plan_id[PLAN]}/scorecard-weights"

    def test_weights_change_every_score_as_computed_by_hand(self):
        agency = self.d.client("agency_dst")
        r = agency.ok("GET", self.path)
        self.assertEqual(r.json(), {"plan": self.d.plan_id[PLAN], "on_time": 0.5,
                                    "timeliness": 0.2, "achievement": 0.3, "updated_by": None,
                                    "updated_at": None})
        etag = r.header("ETag")
        self.assertEqual(agency.put(self.path, {"on_time": 0.2, "timeliness": 0.2,
                                                "achievement": 0.6}).status, 428)
        leader = self.d.client("leader_chiengan")
        denied = leader.put(self.path, {"on_time": 1, "timeliness": 0, "achievement": 0},
                            if_match=etag)
        self.assertEqual(denied.status, 403, denied)
        bad = agency.put(self.path, {"on_time": -1, "timeliness": 0.2, "achievement": "x"},
                         if_match=etag)
        self.assertEqual(bad.status, 422, bad)
        self.assertEqual({e["field"] for e in bad.json()["errors"]}, {"on_time", "achievement"})
        r = agency.ok("PUT", self.path, {"on_time": 0.2, "timeliness": 0.2, "achievement": 0.6},
                      if_match=etag)
        self.assertEqual(r.json()["updated_by"], "agency_dst")
        self.assertEqual(r.json()["achievement"], 0.6)
        stale = agency.put(self.path, {"on_time": 0.5, "timeliness": 0.2, "achievement": 0.3},
                           if_match=etag)
        self.assertEqual(stale.status, 412, stale)
        try:
            want = self.m.scorecards(Period.parse("2025"), server_today(),
                                     weights=(0.2, 0.2, 0.6))
            got = self.d.client("admin_vn").ok(
                "GET", f"/api/v1/scorecards?plan={PLAN_Q}&period=2025&limit=1000").json()["items"]
            for card in got:
                w = want[card["unit"]["code"]]
                if w["score"] is None:
                    self.assertIsNone(card["score"])
                else:
                    self.assertAlmostEqual(card["score"], w["score"], places=6)
                self.assertEqual(card["rank"], w["rank"], card["unit"]["code"])
        finally:
            agency.ok("PUT", self.path, {"on_time": 0.5, "timeliness": 0.2, "achievement": 0.3},
                      if_match=r.header("ETag"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
