"""The access matrix: every route of openapi.json, every role scoped at C1, every relation of the
target's unit to C1, against the hand-written expectations of access_table.py.

An allow must be a 2xx; a deny a 403 or 404 — requests carry valid bodies and fresh targets, so a
validation or conflict answer is never mistaken for either.
"""

import itertools
import unittest

import access_imports
import harness
from access_parts import PARTS
from access_table import RELATIONS, RELATION_UNIT, ROLES, TABLE, expected_allowed
from harness import PASSWORD, PDF_BYTES, setUpModule, tearDownModule, value_path  # noqa: F401

_seq = itertools.count(1)


def fresh(prefix):
    return f"{prefix}{next(_seq)}"


class World:
    """Lookups and fresh targets on the fixture (made by admin_p, or admin_q under Q)."""

    def __init__(self, f):
        self.f = f
        self.role_client = {role: f.client(f"{role}_c1") for role in ROLES}
        self.evidence = {}
        self.unit_child = {}
        for rel in RELATIONS:
            task = self.task_of(rel)
            r = self.setup(rel).raw("POST", f"/api/v1/tasks/{task}/evidence?file_name=proof.pdf",
                                    PDF_BYTES, {"Content-Type": "application/pdf"})
            assert r.status == 201, r
            self.evidence[rel] = r.json()["id"]
            self.unit_child[rel] = self.fresh_unit(rel)

    def setup(self, rel):
        return self.f.client("admin_q" if rel == "unrelated" else "admin_p")

    def unit(self, rel):
        return self.f.unit[RELATION_UNIT[rel]]

    def plan_of(self, rel):
        return self.f.plan["PX-" + RELATION_UNIT[rel]]

    def group_of(self, rel):
        return self.f.group[("PX-" + RELATION_UNIT[rel], "G")]

    def task_of(self, rel):
        return self.f.task[("PX-" + RELATION_UNIT[rel], "T")]

    def indicator_of(self, rel):
        return self.f.indicator["I-" + RELATION_UNIT[rel]]

    def user_of(self, rel):
        login = {"own": "viewer_c1", "child": "viewer_v1", "parent": "viewer_p",
                 "sibling": "viewer_c2", "unrelated": "viewer_q"}[rel]
        return self.f.user_id[login]

    def created(self, rel, path, body):
        r = self.setup(rel).ok("POST", path, body, expect=201)
        return r.json()["id"]

    def fresh_unit(self, rel):
        return self.created(rel, "/api/v1/org-units",
                            {"code": fresh("K-"), "name_vi": "Tổ công tác", "type": "other",
                             "parent": self.unit(rel)})

    def fresh_directive(self):
        return self.created("own", "/api/v1/directives",
                            {"number": fresh("CV-"), "kind": "dispatch", "title_vi": "Công văn"})

    def fresh_plan(self, rel):
        return self.created(rel, "/api/v1/plans", self.plan_body(rel))

    def plan_body(self, rel):
        return {"code": fresh("FP-"), "title_vi": "Kế hoạch mới", "issuer": self.unit(rel),
                "standing_agency": self.unit(rel)}

    def group_body(self, rel):
        return {"plan": self.plan_of(rel), "code": fresh("FG-"), "title_vi": "Nhóm mới"}

    def fresh_group(self, rel):
        return self.created(rel, "/api/v1/task-groups", self.group_body(rel))

    def task_body(self, rel):
        return {"plan": self.plan_of(rel), "code": fresh("FT-"), "title_vi": "Nhiệm vụ mới",
                "lead_unit": self.unit(rel), "assigned_on": "2025-01-15",
                "deadline": "2027-12-31"}

    def fresh_task(self, rel, claimed=False):
        task = self.created(rel, "/api/v1/tasks", self.task_body(rel))
        if claimed:
            self.setup(rel).ok("POST", f"/api/v1/tasks/{task}/claim", CLAIM)
        return task

    def indicator_body(self, rel):
        return {"code": fresh("FI-"), "name_vi": "Chỉ tiêu mới", "responsible_unit": self.unit(rel)}

    def fresh_indicator(self, rel):
        return self.created(rel, "/api/v1/indicators", self.indicator_body(rel))

    def fresh_value(self, rel):
        n = next(_seq)
        period = f"{2000 + n // 12}{n % 12 + 1:02d}"
        path = value_path(self.f.indicator["I-DV"], self.unit(rel), period)
        self.setup(rel).ok("PUT", path, {"value": 1})
        return path


CLAIM = {"completed_on": "2025-06-01", "evidence": "https://example.org/bien-ban.pdf"}


def build(w, method, path, role, rel):
    """Sends the request of (method, path) as `role`, on a target tied to `rel`."""
    c = w.role_client[role]
    if (method, path) == ("POST", "/api/v1/session"):
        return harness.Client(w.f.port).post(path, {"login": f"{role}_c1", "password": PASSWORD})
    if (method, path) == ("DELETE", "/api/v1/session"):
        return c.token_client().delete(path)  # a bearer caller: the cookie session stays
    if (method, path) == ("DELETE", "/api/v1/tokens/{id}"):
        return c.delete(f"/api/v1/tokens/{c.token_client().token_id}")
    if (method, path) == ("POST", "/api/v1/tokens"):
        return c.post(path, {"name": "matrix"})
    if (method, path) == ("POST", "/api/v1/users"):
        return c.post(path, {"login": fresh("u."), "password": PASSWORD, "role": "viewer",
                             "unit": w.unit(rel)})
    if path == "/api/v1/users/{id}":
        target = f"/api/v1/users/{w.user_of(rel)}"
        if method == "GET":
            return c.get(target)
        return c.patch(target, {"display_name": f"Người dùng {role}"}, if_match="*")
    if (method, path) == ("POST", "/api/v1/org-units"):
        return c.post(path, {"code": fresh("N-"), "name_vi": "Đơn vị", "type": "other",
                             "parent": w.unit(rel)})
    if path == "/api/v1/org-units/{id}/history":
        return c.get(f"/api/v1/org-units/{w.unit(rel)}/history")
    if path == "/api/v1/org-units/{id}":
        if method == "GET":
            return c.get(f"/api/v1/org-units/{w.unit(rel)}")
        if method == "PATCH":
            return c.patch(f"/api/v1/org-units/{w.unit_child[rel]}",
                           {"leader_name": f"Trưởng {role}"}, if_match="*")
        return c.delete(f"/api/v1/org-units/{w.fresh_unit(rel)}", if_match="*")
    if (method, path) == ("POST", "/api/v1/directives"):
        return c.post(path, {"number": fresh("QD-"), "kind": "decision", "title_vi": "Quyết định"})
    if path == "/api/v1/directives/{id}":
        directive = w.f.client("admin_p").get("/api/v1/directives?number=57-NQ/TW").json()["items"][0]["id"]
        if method == "GET":
            return c.get(f"/api/v1/directives/{directive}")
        if method == "PATCH":
            return c.patch(f"/api/v1/directives/{directive}", {"issuer": "Bộ Chính trị"}, if_match="*")
        return c.delete(f"/api/v1/directives/{w.fresh_directive()}", if_match="*")
    if (method, path) == ("POST", "/api/v1/plans"):
        return c.post(path, w.plan_body(rel))
    if path == "/api/v1/plans/{id}":
        if method == "GET":
            return c.get(f"/api/v1/plans/{w.plan_of(rel)}")
        if method == "PATCH":
            return c.patch(f"/api/v1/plans/{w.plan_of(rel)}", {"title_en": f"Plan {rel}"}, if_match="*")
        return c.delete(f"/api/v1/plans/{w.fresh_plan(rel)}", if_match="*")
    if (method, path) == ("POST", "/api/v1/task-groups"):
        return c.post(path, w.group_body(rel))
    if path == "/api/v1/task-groups/{id}":
        if method == "GET":
            return c.get(f"/api/v1/task-groups/{w.group_of(rel)}")
        if method == "PATCH":
            return c.patch(f"/api/v1/task-groups/{w.group_of(rel)}", {"order": 2}, if_match="*")
        return c.delete(f"/api/v1/task-groups/{w.fresh_group(rel)}", if_match="*")
    if (method, path) == ("POST", "/api/v1/tasks"):
        return c.post(path, w.task_body(rel))
    task = w.task_of(rel) if rel else None
    if path == "/api/v1/tasks/{id}":
        if method == "GET":
            return c.get(f"/api/v1/tasks/{task}")
        return c.patch(f"/api/v1/tasks/{task}", {"expected_output": f"Báo cáo {role}"}, if_match="*")
    if path == "/api/v1/tasks/{id}/events":
        return c.get(f"/api/v1/tasks/{task}/events")
    if path == "/api/v1/tasks/{id}/history":
        return c.get(f"/api/v1/tasks/{task}/history")
    if path == "/api/v1/tasks/{id}/progress":
        return c.post(f"/api/v1/tasks/{task}/progress", {"progress_percent": 40})
    if path == "/api/v1/tasks/{id}/claim":
        return c.post(f"/api/v1/tasks/{w.fresh_task(rel)}/claim", CLAIM)
    if path == "/api/v1/tasks/{id}/verify":
        return c.post(f"/api/v1/tasks/{w.fresh_task(rel, claimed=True)}/verify", {})
    if path == "/api/v1/tasks/{id}/return":
        return c.post(f"/api/v1/tasks/{w.fresh_task(rel, claimed=True)}/return",
                      {"reason": "Thiếu minh chứng"})
    if path == "/api/v1/tasks/{id}/amend":
        return c.post(f"/api/v1/tasks/{w.fresh_task(rel)}/amend",
                      {"new_deadline": "2028-06-30", "reason": "Điều chỉnh tiến độ",
                       "requested_by": "UBND xã"})
    if path == "/api/v1/tasks/{id}/cancel":
        return c.post(f"/api/v1/tasks/{w.fresh_task(rel)}/cancel", {"reason": "Không còn phù hợp"})
    if path == "/api/v1/tasks/{id}/comments":
        if method == "GET":
            return c.get(f"/api/v1/tasks/{task}/comments")
        return c.post(f"/api/v1/tasks/{task}/comments", {"body": "Đề nghị cập nhật tiến độ."})
    if path == "/api/v1/tasks/{id}/evidence":
        if method == "GET":
            return c.get(f"/api/v1/tasks/{task}/evidence")
        return c.raw("POST", f"/api/v1/tasks/{task}/evidence?file_name=bao-cao.pdf", PDF_BYTES,
                     {"Content-Type": "application/pdf"})
    if path == "/api/v1/imports/{kind}":
        return c.raw("POST", "/api/v1/imports/directives?dry_run=true",
                     "number,kind,title_vi\r\nCV-1,dispatch,Công văn\r\n".encode("utf-8"),
                     {"Content-Type": "text/csv"})
    if path == "/api/v1/evidence/{id}":
        return c.get(f"/api/v1/evidence/{w.evidence[rel]}")
    if (method, path) == ("POST", "/api/v1/indicators"):
        return c.post(path, w.indicator_body(rel))
    indicator = w.indicator_of(rel) if rel else None
    if path == "/api/v1/indicators/{id}":
        if method == "GET":
            return c.get(f"/api/v1/indicators/{indicator}")
        if method == "PATCH":
            return c.patch(f"/api/v1/indicators/{indicator}", {"data_source": "Báo cáo"}, if_match="*")
        return c.delete(f"/api/v1/indicators/{w.fresh_indicator(rel)}", if_match="*")
    if path == "/api/v1/indicators/{id}/targets":
        if method == "GET":
            return c.get(f"/api/v1/indicators/{indicator}/targets")
        return c.post(f"/api/v1/indicators/{indicator}/targets",
                      {"unit": w.unit(rel), "date": "2027-12-31", "value": 10})
    dv = w.f.indicator["I-DV"]
    if (method, path) == ("GET", "/api/v1/data-values"):
        return c.get(f"/api/v1/data-values?unit={w.unit(rel)}")
    if (method, path) == ("POST", "/api/v1/data-values"):
        return c.post(path, {"values": [{"indicator": dv, "unit": w.unit(rel), "period": "202503",
                                         "value": 11}]})
    if path.startswith("/api/v1/data-values/{indicator}"):
        target = value_path(dv, w.unit(rel), "202501")
        if path.endswith("/history"):
            return c.get(target + "/history")
        if method == "GET":
            return c.get(target)
        if method == "PUT":
            return c.put(target, {"value": 6, "comment": f"sửa bởi {role}"}, if_match="*")
        return c.delete(w.fresh_value(rel), if_match="*")
    if path == "/api/v1/analytics/tasks":
        return c.get(f"/api/v1/analytics/tasks?plan=PL&unit={RELATION_UNIT[rel]}&as_of=2026-01-01")
    if path == "/api/v1/analytics/indicators":
        return c.get(f"/api/v1/analytics/indicators?unit={RELATION_UNIT[rel]}&periods=2025")
    for part in PARTS:
        r = part.build(w, method, path, role, rel)
        if r is not None:
            return r
    # Public and own-session reads.
    return c.call(method, path)


class AccessMatrixTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.w = World(cls.f)
        doc = cls.f.anonymous().ok("GET", "/api/v1/openapi.json").json()
        cls.routes = {(m.upper(), p) for p, item in doc["paths"].items() for m in item
                      if m in ("get", "post", "put", "patch", "delete")}

    def test_every_openapi_route_is_in_the_table(self):
        missing = sorted(self.routes - set(TABLE))
        self.assertEqual(missing, [], "routes of openapi.json without an access expectation")

    def test_every_table_entry_is_in_openapi(self):
        extra = sorted(set(TABLE) - self.routes)
        self.assertEqual(extra, [], "access expectations for routes openapi.json does not list")

    def check_route(self, method, path):
        scope, _ = TABLE[(method, path)]
        relations = RELATIONS if scope == "rel" else [None]
        wrong = []
        for role in ROLES:
            for rel in relations:
                allow = expected_allowed(method, path, role, rel)
                r = build(self.w, method, path, role, rel)
                ok = 200 <= r.status < 300 if allow else r.status in (403, 404)
                if not ok:
                    wrong.append(f"{role}@C1 on {rel or 'any'}: expected "
                                 f"{'2xx' if allow else '403/404'}, got {r.status} {r.body[:200]!r}")
        self.assertEqual(wrong, [], f"{method} {path}")


class StandingAgencyTest(unittest.TestCase):
    """A standing agency administers only the plans whose standing agency lies in its scope: at
    C1 it does not administer PL (standing agency D), whose tasks led by C1 it still reads."""

    def test_agency_at_c1_does_not_administer_pl(self):
        f = harness.fixture()
        agency_c1 = f.client("standing_agency_c1")
        agency_d = f.client("agency_d")
        task = f.task[("PL", "T-C1")]
        self.assertEqual(agency_c1.get(f"/api/v1/tasks/{task}").status, 200)
        before = f.fingerprint()
        for action, body in (("progress", {"progress_percent": 20}),
                             ("amend", {"new_deadline": "2028-01-01", "reason": "r",
                                        "requested_by": "x"}),
                             ("cancel", {"reason": "r"})):
            r = agency_c1.post(f"/api/v1/tasks/{task}/{action}", body)
            self.assertEqual(r.status, 403, (action, r))
        r = agency_c1.patch(f"/api/v1/plans/{f.plan['PL']}", {"title_en": "x"}, if_match="*")
        self.assertEqual(r.status, 403, r)
        self.assertEqual(f.fingerprint(), before)
        self.assertEqual(agency_d.post(f"/api/v1/tasks/{task}/progress",
                                       {"progress_percent": 20}).status, 200)
        # Out of D's scope: Q's plan.
        self.assertEqual(agency_d.get(f"/api/v1/tasks/{f.task[('PQ', 'T-Q')]}").status, 404)


def _add_route_tests():
    for (method, path) in TABLE:
        name = "test_" + method.lower() + "_" + "".join(
            ch if ch.isalnum() else "_" for ch in path.strip("/"))

        def test(self, method=method, path=path):
            self.check_route(method, path)

        setattr(AccessMatrixTest, name, test)


_add_route_tests()


class RecordsScopeTest(access_imports.RecordsScopeTest):
    """access_imports.RecordsScopeTest, on this module's fixture (unittest sets a module's fixture
    up for the classes defined in it)."""


if __name__ == "__main__":
    harness.main()
