"""Mass assignment: every create and update body, sent with a field its caller may not set —
ids, timestamps, authorship (owner, created_by, author, stored_by, approved_by), signatures,
status or state, roles, and units or plans where the route does not change them — is refused
with a 4xx naming that field, and nothing changes (a read-back of the target is identical). The
same body without the extra field is then accepted, so the refusal was the field's doing.

Table-driven: each Case is a route, its caller, a valid body and the fields to try. A refusal is
400/422 (an unknown or unchangeable field) or, where the field is known but not the caller's to
set (a unit outside scope, an approved state), 403 — in every case with the field named in
`errors`.
"""

import itertools
import unittest
from dataclasses import dataclass, field
from typing import Callable, Optional

import access_feedback
import harness
from harness import PASSWORD, setUpModule, tearDownModule, value_path  # noqa: F401

_seq = itertools.count(1)

# Fields no body may set: the server owns them.
SERVER_OWNED = {
    "id": 987654,
    "created_at": "2025-01-01T00:00:00Z",
    "updated_at": "2025-01-01T00:00:00Z",
    "stored_at": "2025-01-01T00:00:00Z",
    "created_by": "admin_p",
    "owner": "admin_p",
    "author": "admin_p",
    "stored_by": "admin_p",
    "approved_by": "admin_p",
    "signature": "c2lnbmF0dXJl",
    "version": 3,
    "deleted": True,
}


def fresh(prefix):
    return f"{prefix}{next(_seq)}"


@dataclass
class Case:
    name: str
    method: str
    path: Callable  # (f) -> path
    login: str
    body: Callable  # (f) -> a valid body
    fields: dict  # field -> value to try (besides SERVER_OWNED unless server_owned is False)
    read: Callable  # (f) -> path whose GET must be unchanged by a refused request
    read_login: Optional[str] = None
    server_owned: bool = True
    if_match: Optional[str] = None
    statuses: tuple = (400, 422)
    forbidden: dict = field(default_factory=dict)  # field -> value refused with 403
    anonymous: bool = False


def task_body(f, unit="C1", plan="PX-C1"):
    return {"plan": f.plan[plan], "code": fresh("MA-"), "title_vi": "Nhiệm vụ thử",
            "lead_unit": f.unit[unit], "assigned_on": "2025-01-15", "deadline": "2027-12-31"}


def report_of(f):
    """A fresh draft report of C1 in PX-C1, started by unit_officer_c1."""
    r = f.client("unit_officer_c1").ok(
        "POST", "/api/v1/reports",
        {"plan": f.plan["PX-C1"], "unit": f.unit["C1"],
         "period": f"{2040 + next(_seq) // 12}{next(_seq) % 12 + 1:02d}"}, expect=201)
    return r.json()["id"]


def once(f, key, make):
    cache = f.__dict__.setdefault("mass_cache", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def claimed_task(f):
    def make():
        admin = f.client("admin_c1")
        t = admin.ok("POST", "/api/v1/tasks", task_body(f), expect=201).json()["id"]
        admin.ok("POST", f"/api/v1/tasks/{t}/claim",
                 {"completed_on": "2025-06-01", "evidence": "https://example.org/a.pdf"})
        return t
    return once(f, "claimed", make)


def feedback_of(f):
    def make():
        r = access_feedback.submit(f.anonymous(), access_feedback.submission(
            "plan", f.plan["PX-C1"], "Góp ý để thử gán trường"))
        assert r.status == 201, r
        return r.json()["id"]
    return once(f, "feedback", make)


def urging_of(f):
    def make():
        import access_urging
        return access_urging.fresh_request(f, "own")
    return once(f, "urging", make)


def review_of(f):
    return once(f, "review", lambda: f.client("admin_c1").ok(
        "POST", "/api/v1/reviews", {"plan": f.plan["PX-C1"], "as_of": "2025-06-30",
                                    "kind": "interim", "title_vi": "Sơ kết"},
        expect=201).json()["id"])


STATE_FIELDS = {"status": "done", "state": "approved"}
TASK_STATE = {"status": "done_on_time", "state": {"status": "done_on_time"}, "verified": True,
              "claimed": True, "completed_on": "2025-06-01", "verified_on": "2025-06-02",
              "progress_percent": 100, "original_deadline": "2030-01-01", "cancelled_on": None,
              "slip_days": 0}

CASES = [
    # Users: role and unit are the admin's to set, within scope; the rest is the server's.
    Case("user create", "POST", lambda f: "/api/v1/users", "admin_c1",
         lambda f: {"login": fresh("ma.u"), "password": PASSWORD, "role": "viewer",
                    "unit": f.unit["C1"]},
         {"scope": 1, "password_hash": "x", "disabled": True, "last_login": "2025-01-01"},
         lambda f: "/api/v1/users", forbidden={"unit": "Q"}),
    Case("user update", "PATCH", lambda f: f"/api/v1/users/{f.user_id['viewer_c1']}", "admin_c1",
         lambda f: {"display_name": fresh("Người xem ")},
         {"login": "renamed", "scope": 1, "password_hash": "x", "user": 1},
         lambda f: f"/api/v1/users/{f.user_id['viewer_c1']}", if_match="*",
         forbidden={"unit": "P"}),
    Case("token create", "POST", lambda f: "/api/v1/tokens", "viewer_c1",
         lambda f: {"name": fresh("máy ")},
         {"user": 1, "role": "admin", "scope": 1, "unit": 1, "token": "pwt_x",
          "expires_at": "2099-01-01T00:00:00Z", "login": "admin_p"},
         lambda f: "/api/v1/tokens", server_owned=True),
    # Reference data.
    Case("org unit create", "POST", lambda f: "/api/v1/org-units", "admin_c1",
         lambda f: {"code": fresh("MA-U"), "name_vi": "Tổ", "type": "other",
                    "parent": f.unit["C1"]},
         STATE_FIELDS, lambda f: "/api/v1/org-units?limit=1000", forbidden={"parent": "C2"}),
    Case("org unit update", "PATCH", lambda f: f"/api/v1/org-units/{f.unit['V1']}", "admin_c1",
         lambda f: {"leader_name": fresh("Trưởng thôn ")}, STATE_FIELDS,
         lambda f: f"/api/v1/org-units/{f.unit['V1']}", if_match="*",
         forbidden={"parent": "Q"}),
    Case("directive create", "POST", lambda f: "/api/v1/directives", "admin_c1",
         lambda f: {"number": fresh("MA-CV"), "kind": "dispatch", "title_vi": "Công văn"},
         STATE_FIELDS, lambda f: "/api/v1/directives?limit=1000"),
    Case("plan create", "POST", lambda f: "/api/v1/plans", "admin_c1",
         lambda f: {"code": fresh("MA-P"), "title_vi": "Kế hoạch", "issuer": f.unit["C1"],
                    "standing_agency": f.unit["C1"]},
         dict(STATE_FIELDS, published=True), lambda f: "/api/v1/plans?limit=1000",
         forbidden={"standing_agency": "C2"}),
    Case("plan update", "PATCH", lambda f: f"/api/v1/plans/{f.plan['PX-C1']}", "admin_c1",
         lambda f: {"title_en": fresh("Plan ")}, dict(STATE_FIELDS, published=True),
         lambda f: f"/api/v1/plans/{f.plan['PX-C1']}", if_match="*",
         forbidden={"standing_agency": "Q"}),
    Case("task group create", "POST", lambda f: "/api/v1/task-groups", "admin_c1",
         lambda f: {"plan": f.plan["PX-C1"], "code": fresh("MA-G"), "title_vi": "Nhóm"},
         STATE_FIELDS, lambda f: "/api/v1/task-groups?limit=1000"),
    Case("task group update", "PATCH",
         lambda f: f"/api/v1/task-groups/{f.group[('PX-C1', 'G')]}", "admin_c1",
         lambda f: {"title_en": fresh("Group ")}, {"plan": "PX-V1"},
         lambda f: f"/api/v1/task-groups/{f.group[('PX-C1', 'G')]}", if_match="*"),
    Case("task create", "POST", lambda f: "/api/v1/tasks", "admin_c1", task_body, TASK_STATE,
         lambda f: "/api/v1/tasks?limit=1000"),
    Case("task update", "PATCH", lambda f: f"/api/v1/tasks/{f.task[('PX-C1', 'T')]}", "admin_c1",
         lambda f: {"expected_output": fresh("Báo cáo ")},
         dict(TASK_STATE, lead_unit="V1", deadline="2030-12-31", plan="PX-V1"),
         lambda f: f"/api/v1/tasks/{f.task[('PX-C1', 'T')]}", if_match="*"),
    Case("indicator create", "POST", lambda f: "/api/v1/indicators", "admin_c1",
         lambda f: {"code": fresh("MA-I"), "name_vi": "Chỉ tiêu",
                    "responsible_unit": f.unit["C1"]},
         STATE_FIELDS, lambda f: "/api/v1/indicators?limit=1000",
         forbidden={"responsible_unit": "P"}),
    Case("indicator update", "PATCH", lambda f: f"/api/v1/indicators/{f.indicator['I-C1']}",
         "admin_c1", lambda f: {"data_source": fresh("Nguồn ")}, STATE_FIELDS,
         lambda f: f"/api/v1/indicators/{f.indicator['I-C1']}", if_match="*",
         forbidden={"responsible_unit": "Q"}),
    Case("target create", "POST", lambda f: f"/api/v1/indicators/{f.indicator['I-C1']}/targets",
         "admin_c1", lambda f: {"unit": f.unit["C1"], "date": "2031-12-31",
                                "value": next(_seq)},
         {"indicator": "I-V1", **STATE_FIELDS},
         lambda f: f"/api/v1/indicators/{f.indicator['I-C1']}/targets"),
    # Task actions: none sets a status, a verification or an approver directly.
    Case("progress", "POST", lambda f: f"/api/v1/tasks/{f.task[('PX-C1', 'T')]}/progress",
         "unit_officer_c1", lambda f: {"progress_percent": 30 + next(_seq) % 50},
         {**{k: v for k, v in TASK_STATE.items() if k != "progress_percent"},
          "lead_unit": "V1", "deadline": "2030-12-31"},
         lambda f: f"/api/v1/tasks/{f.task[('PX-C1', 'T')]}"),
    Case("claim", "POST", lambda f: f"/api/v1/tasks/{f.task[('PX-V1', 'T')]}/claim",
         "unit_officer_c1",
         lambda f: {"completed_on": "2025-06-01", "evidence": "https://example.org/b.pdf"},
         {"verified": True, "verified_on": "2025-06-02", "status": "done", "state": "verified",
          "verified_by": "admin_p"},
         lambda f: f"/api/v1/tasks/{f.task[('PX-V1', 'T')]}"),
    Case("verify", "POST", lambda f: f"/api/v1/tasks/{claimed_task(f)}/verify", "admin_c1",
         lambda f: {}, {"verified_by": "admin_p", "status": "done", "lead_unit": "V1"},
         lambda f: f"/api/v1/tasks/{claimed_task(f)}"),
    Case("amend", "POST", lambda f: f"/api/v1/tasks/{f.task[('PX-C1', 'T')]}/amend", "admin_c1",
         lambda f: {"new_deadline": f"2029-0{1 + next(_seq) % 9}-15", "reason": "Điều chỉnh",
                    "requested_by": "UBND xã"},
         {"approved_on": "2025-01-01", "deadline": "2030-01-01", "status": "done"},
         lambda f: f"/api/v1/tasks/{f.task[('PX-C1', 'T')]}"),
    Case("comment", "POST", lambda f: f"/api/v1/tasks/{f.task[('PX-C1', 'T')]}/comments",
         "unit_officer_c1", lambda f: {"body": fresh("Ý kiến ")}, {"task": 1, "user": 1},
         lambda f: f"/api/v1/tasks/{f.task[('PX-C1', 'T')]}/comments"),
    # Data values: the state is the caller's only as far as the role allows.
    Case("value put", "PUT", lambda f: value_path(f.indicator["I-C1"], f.unit["C1"], "202512"),
         "unit_officer_c1", lambda f: {"value": next(_seq)},
         {"indicator": 1, "unit": 1, "period": "202501"},
         lambda f: f"/api/v1/data-values?unit={f.unit['C1']}&limit=500", if_match="*",
         forbidden={"state": "approved"}),
    Case("value batch", "POST", lambda f: "/api/v1/data-values", "unit_officer_c1",
         lambda f: {"values": [{"indicator": f.indicator["I-C1"], "unit": f.unit["C1"],
                                "period": "202511", "value": next(_seq)}]},
         {"dry_run": True, "stored_by": "admin_p"},
         lambda f: f"/api/v1/data-values?unit={f.unit['C1']}&limit=500", server_owned=False),
    # Reports: the state moves only by its actions; the unit, plan and period are fixed.
    Case("report create", "POST", lambda f: "/api/v1/reports", "unit_officer_c1",
         lambda f: {"plan": f.plan["PX-C1"], "unit": f.unit["C1"],
                    "period": f"{2050 + next(_seq) // 12}{next(_seq) % 12 + 1:02d}"},
         {**STATE_FIELDS, "due_date": "2099-01-01", "results": "x"},
         lambda f: f"/api/v1/reports?unit={f.unit['C1']}&limit=500",
         forbidden={"unit": "C2"}),
    Case("report update", "PATCH", lambda f: f"/api/v1/reports/{once(f, 'report', lambda: report_of(f))}",
         "unit_officer_c1", lambda f: {"results": fresh("Kết quả ")},
         {**STATE_FIELDS, "unit": 1, "plan": 1, "period": "202501", "due_date": "2099-01-01",
          "task_updates": [], "data_values": []},
         lambda f: f"/api/v1/reports/{once(f, 'report', lambda: report_of(f))}", if_match="*"),
    Case("report submit", "POST",
         lambda f: f"/api/v1/reports/{once(f, 'report2', lambda: report_of(f))}/submit",
         "unit_officer_c1", lambda f: {}, {**STATE_FIELDS, "comment": "x"},
         lambda f: f"/api/v1/reports/{once(f, 'report2', lambda: report_of(f))}", if_match="*"),
    # Urging, publishing, reviews, scorecards, feedback.
    Case("urging answer", "POST", lambda f: f"/api/v1/urgings/{urging_of(f)}/answer",
         "unit_officer_c1", lambda f: {"text": "Đã khắc phục"},
         {"state": "answered", "answered_by": "admin_p", "rung": "inspection_flag"},
         lambda f: f"/api/v1/urgings/{urging_of(f)}"),
    Case("urging rules", "PUT", lambda f: f"/api/v1/plans/{f.plan['PX-C1']}/urging-rules",
         "admin_c1",
         lambda f: {"reminder_days_before": 5, "notice_days_after": 2,
                    "explanation_days_after": 12, "inspection_days_after": 40 + next(_seq)},
         {"plan": 1}, lambda f: f"/api/v1/plans/{f.plan['PX-C1']}/urging-rules"),
    Case("scorecard weights", "PUT",
         lambda f: f"/api/v1/plans/{f.plan['PX-C1']}/scorecard-weights", "admin_c1",
         lambda f: {"on_time": 0.5, "timeliness": 0.2, "achievement": 0.3}, {"plan": 1},
         lambda f: f"/api/v1/plans/{f.plan['PX-C1']}/scorecard-weights", if_match="*"),
    Case("report schedule", "PUT", lambda f: f"/api/v1/plans/{f.plan['PX-C1']}/report-schedule",
         "admin_c1",
         lambda f: {"items": [{"period_type": "monthly", "due_day": 1 + next(_seq) % 20}]},
         {"plan": 1}, lambda f: f"/api/v1/plans/{f.plan['PX-C1']}/report-schedule",
         if_match="*"),
    Case("review create", "POST", lambda f: "/api/v1/reviews", "admin_c1",
         lambda f: {"plan": f.plan["PX-C1"], "as_of": "2025-06-30", "kind": "interim",
                    "title_vi": fresh("Sơ kết ")},
         {**STATE_FIELDS, "published": True, "figures": {}, "frozen_at": "2025-01-01"},
         lambda f: "/api/v1/reviews?limit=500"),
    Case("publication", "POST", lambda f: "/api/v1/publications", "admin_c1",
         lambda f: {"kind": "plan", "subject": once(f, "pubplan", lambda: f.client("admin_c1").ok(
             "POST", "/api/v1/plans", {"code": fresh("MA-PUB"), "title_vi": "Công bố",
                                       "issuer": f.unit["C1"],
                                       "standing_agency": f.unit["C1"]},
             expect=201).json()["code"])},
         {**STATE_FIELDS, "published_by": "admin_p", "published_at": "2025-01-01",
          "number": 7}, lambda f: "/api/v1/publications"),
    Case("webhook", "POST", lambda f: "/api/v1/webhooks", "admin_p",
         lambda f: {"url": "http://127.0.0.1:9/ma", "events": ["urging.notice"],
                    "active": False},
         {**STATE_FIELDS, "failures": 0}, lambda f: "/api/v1/webhooks"),
    Case("feedback submit", "POST", lambda f: "/api/v1/feedback", "anonymous",
         lambda f: access_feedback.submission("plan", f.plan["PX-C1"], fresh("Góp ý ")),
         {"state": "answered", "answer": "Đã trả lời", "published": True, "user": 1,
          "status": "accepted", "answered_at": "2025-01-01"},
         lambda f: f"/api/v1/feedback?plan={f.plan['PX-C1']}&limit=500",
         read_login="admin_c1", anonymous=True),
    Case("feedback accept", "POST", lambda f: f"/api/v1/feedback/{feedback_of(f)}/accept",
         "admin_c1", lambda f: {}, {"state": "answered", "answer": "x", "target": {}},
         lambda f: f"/api/v1/feedback/{feedback_of(f)}"),
]


class MassAssignmentTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()

    def send(self, case, body):
        f = self.f
        if case.anonymous:
            body = dict(body, challenge=access_feedback.challenge(f.anonymous()))
            return access_feedback.call_from(f.anonymous(), access_feedback.fresh_address(),
                                             case.method, case.path(f), body)
        return f.client(case.login).call(case.method, case.path(f), body, if_match=case.if_match)

    def read(self, case):
        r = self.f.client(case.read_login or case.login).ok("GET", case.read(self.f))
        return r.body

    def resolve(self, value):
        """Codes of units and plans in the table stand for their ids."""
        if isinstance(value, str) and value in self.f.unit and value.isupper() and len(value) <= 2:
            return self.f.unit[value]
        if isinstance(value, str) and value in self.f.plan:
            return self.f.plan[value]
        if isinstance(value, str) and value in self.f.indicator:
            return self.f.indicator[value]
        return value

    def check(self, case):
        fields = dict(SERVER_OWNED) if case.server_owned else {}
        fields.update(case.fields)
        tries = [(name, value, case.statuses) for name, value in fields.items()]
        tries += [(name, value, (403,)) for name, value in case.forbidden.items()]
        wrong = []
        for name, value, statuses in tries:
            before = self.read(case)
            body = dict(case.body(self.f))
            body[name] = self.resolve(value)
            r = self.send(case, body)
            named = [e.get("field", "") for e in (r.json().get("errors", []) if r.status >= 400
                                                  else [])]
            if r.status not in statuses or not any(n.split(".")[-1] == name or n == name
                                                   for n in named):
                wrong.append(f"{name}={value!r}: {r.status} {r.body[:240]!r}")
                continue
            if self.read(case) != before:
                wrong.append(f"{name}={value!r}: refused ({r.status}) but the target changed")
        self.assertEqual(wrong, [], case.name)
        # The same body without the extra field is accepted.
        r = self.send(case, case.body(self.f))
        self.assertTrue(200 <= r.status < 300, f"{case.name}: the valid body: {r!r}")


def _add_tests():
    for case in CASES:
        name = "test_" + "".join(ch if ch.isalnum() else "_" for ch in case.name)

        def test(self, case=case):
            self.check(case)

        setattr(MassAssignmentTest, name, test)


_add_tests()


if __name__ == "__main__":
    harness.main()
