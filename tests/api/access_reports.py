"""Access expectations of the periodic-report routes (see access_parts.py), written by hand from
src/planwatch/domain/report.h: readers are everyone whose scope holds the report's unit and the
plan's administrators; the unit's officers and leaders prepare, submit and revise; its leaders
approve (and return what is submitted); the plan's standing agency accepts and returns.

Target tied to a relation: a report of the relation's unit in plan PX-<unit> (whose standing
agency is that unit), started (and moved to the state the route needs) by a unit leader created
at that unit for these tests; a fresh report per request.
"""

import itertools

from harness import PASSWORD

# The helpers of access_table.py, repeated: access_table imports this module while it loads.
ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})
IN_SCOPE = frozenset({"own", "child"})
NONE = frozenset()


def everyone(rels=ALL):
    return {role: rels for role in ROLES}


def only(roles, rels=ALL):
    return {role: (rels if role in roles else NONE) for role in ROLES}


PREPARERS = {"unit_leader", "unit_officer"}
PLAN_ADMINS = {"admin", "standing_agency"}
RETURNERS = {"unit_leader", "admin", "standing_agency"}

TABLE = {
    ("GET", "/api/v1/reports"): ("any", everyone()),  # lists are filtered, never refused
    ("POST", "/api/v1/reports"): ("rel", only(PREPARERS, IN_SCOPE)),
    ("GET", "/api/v1/reports/compliance"): ("any", everyone()),  # rows filtered
    ("GET", "/api/v1/reports/{id}"): ("rel", everyone(IN_SCOPE)),
    ("PATCH", "/api/v1/reports/{id}"): ("rel", only(PREPARERS, IN_SCOPE)),
    ("POST", "/api/v1/reports/{id}/submit"): ("rel", only(PREPARERS, IN_SCOPE)),
    ("POST", "/api/v1/reports/{id}/approve"): ("rel", only({"unit_leader"}, IN_SCOPE)),
    ("POST", "/api/v1/reports/{id}/accept"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("POST", "/api/v1/reports/{id}/return"): ("rel", only(RETURNERS, IN_SCOPE)),
    ("POST", "/api/v1/reports/{id}/revise"): ("rel", only(PREPARERS, IN_SCOPE)),
    ("GET", "/api/v1/reports/{id}/events"): ("rel", everyone(IN_SCOPE)),
    ("GET", "/api/v1/reports/{id}/signed"): ("rel", everyone(IN_SCOPE)),
    # Reference data: every signed-in user reads a plan's schedule; its administrators set it.
    ("GET", "/api/v1/plans/{id}/report-schedule"): ("rel", everyone()),
    ("PUT", "/api/v1/plans/{id}/report-schedule"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
}

JSON_BODY_ROUTES = {
    ("POST", "/api/v1/reports"), ("PATCH", "/api/v1/reports/{id}"),
    ("POST", "/api/v1/reports/{id}/submit"), ("POST", "/api/v1/reports/{id}/approve"),
    ("POST", "/api/v1/reports/{id}/accept"), ("POST", "/api/v1/reports/{id}/return"),
    ("POST", "/api/v1/reports/{id}/revise"), ("PUT", "/api/v1/plans/{id}/report-schedule"),
}

SCHEDULE = {"items": [{"period_type": "monthly", "due_day": 20},
                      {"period_type": "quarterly", "due_day": 10}]}

_seq = itertools.count(1)


def fresh_period():
    """A month of its own (2001-…), so that no two reports of a unit share a key."""
    n = next(_seq)
    return f"{2001 + n // 12}{n % 12 + 1:02d}"


def leader(w, rel):
    """A unit leader scoped at the relation's unit, created once per World."""
    cache = w.__dict__.setdefault("report_leaders", {})
    if rel not in cache:
        login = f"report_leader_{rel}"
        w.setup(rel).ok("POST", "/api/v1/users",
                        {"login": login, "password": PASSWORD, "role": "unit_leader",
                         "unit": w.unit(rel), "display_name": f"Lãnh đạo {rel}"}, expect=201)
        cache[rel] = w.f.client(login)
    return cache[rel]


def fresh_report(w, rel, state="draft"):
    """(id, etag) of a new report of the relation's unit, moved on to `state`."""
    lead = leader(w, rel)
    r = lead.ok("POST", "/api/v1/reports",
                {"plan": w.plan_of(rel), "unit": w.unit(rel), "period": fresh_period()},
                expect=201)
    rid, etag = r.json()["id"], r.header("ETag")
    steps = {"draft": [], "submitted": ["submit"], "approved": ["submit", "approve"],
             "accepted": ["submit", "approve", "accept"]}[state]
    for step in steps:
        actor = w.setup(rel) if step == "accept" else lead
        r = actor.ok("POST", f"/api/v1/reports/{rid}/{step}", {}, if_match=etag)
        etag = r.header("ETag")
    return rid, etag


# The state each action's target is in.
ACTION_STATE = {"submit": "draft", "approve": "submitted", "accept": "approved",
                "return": "submitted", "revise": "accepted"}


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    if path == "/api/v1/reports":
        if method == "GET":
            return c.get("/api/v1/reports?inbox=true")
        return c.post(path, {"plan": w.plan_of(rel), "unit": w.unit(rel),
                             "period": fresh_period()})
    if path == "/api/v1/reports/compliance":
        return c.get(f"{path}?plan={w.plan_of('own')}&period=2025")
    if path == "/api/v1/plans/{id}/report-schedule":
        target = f"/api/v1/plans/{w.plan_of(rel)}/report-schedule"
        if method == "GET":
            return c.get(target)
        return c.put(target, SCHEDULE, if_match="*")
    action = path.rsplit("/", 1)[1]
    if action in ACTION_STATE:
        rid, etag = fresh_report(w, rel, ACTION_STATE[action])
        body = {"comment": f"trả lại bởi {role}"} if action == "return" else {}
        return c.post(f"/api/v1/reports/{rid}/{action}", body, if_match=etag)
    if action == "signed":
        rid, _ = fresh_report(w, rel, "approved")
        return c.get(f"/api/v1/reports/{rid}/signed")
    rid, etag = fresh_report(w, rel)
    if action == "events":
        return c.get(f"/api/v1/reports/{rid}/events")
    if method == "PATCH":
        return c.patch(f"/api/v1/reports/{rid}", {"results": f"kết quả của {role}"},
                       if_match=etag)
    return c.get(f"/api/v1/reports/{rid}")


def specs(f):
    """Malformed-body catalog entries (test_malformed.specs) of the report routes, sent by
    admin_p: targets in plan PL, read by admin_p, so that validation answers before access."""
    u, p = f.unit, f.plan
    officer = f.client("unit_officer_c1")
    r = officer.ok("POST", "/api/v1/reports", {"plan": p["PL"], "unit": u["C1"], "period": "209901"},
                   expect=201)
    rid = r.json()["id"]
    base = f"/api/v1/reports/{rid}"
    empty = dict(fields={})
    return {
        ("POST", "/api/v1/reports"): dict(
            path="/api/v1/reports", fields={"plan": "ref", "unit": "ref", "period": "period"},
            required=["plan", "unit", "period"],
            refs={"plan": {"unit": u["C1"], "period": "209902"},
                  "unit": {"plan": p["PL"], "period": "209902"}}),
        ("PATCH", "/api/v1/reports/{id}"): dict(
            path=base, fields={"results": "str", "difficulties": "str", "proposals": "str"}),
        ("POST", "/api/v1/reports/{id}/submit"): dict(path=base + "/submit", **empty),
        ("POST", "/api/v1/reports/{id}/approve"): dict(path=base + "/approve", **empty),
        ("POST", "/api/v1/reports/{id}/accept"): dict(path=base + "/accept", **empty),
        ("POST", "/api/v1/reports/{id}/return"): dict(
            path=base + "/return", fields={"comment": "str"}, required=["comment"]),
        ("POST", "/api/v1/reports/{id}/revise"): dict(path=base + "/revise",
                                                      fields={"comment": "str"}),
        ("PUT", "/api/v1/plans/{id}/report-schedule"): dict(
            path=f"/api/v1/plans/{p['PL']}/report-schedule", fields={"items": "array"},
            required=["items"]),
    }
