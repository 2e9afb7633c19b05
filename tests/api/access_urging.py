"""Access expectations of the urging routes (see access_parts.py).

Targets tied to a relation: the plan PX-<unit of the relation> (its standing agency is that unit)
and its task T, led by that unit with the deadline 2027-12-31. One scan by admin_p (an admin of a
root: every plan) as of 2028-01-15 raises T's reminder, notice and explanation request in every
such plan; a request that must be refused uses those. An answer that is allowed moves the urging
on, so each one gets a fresh task (deadline 2027-06-30) and a fresh scan.

Rules (service/urging.h): urging rules are read by everyone and set by the plan's administrators;
an urging is read by those whose scope holds its task's units and by the plan's administrators,
and answered by the unit's leaders and officers; the scan on demand is for admins (of a root:
every plan; below: the plans they administer) and standing agencies; notifications are the
caller's own; webhooks and the outbox belong to admins of a root unit, which no caller at C1 is.
"""

import itertools

# As in access_table.py, which imports this module through access_parts.
ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})
IN_SCOPE = frozenset({"own", "child"})
NONE = frozenset()
PLAN_ADMINS = {"admin", "standing_agency"}
ANSWERERS = {"unit_leader", "unit_officer"}
# Notified about urgings on C1's subjects: its leaders and officers; steering of inspection flags.
NOTIFIED = {"unit_leader", "unit_officer", "steering"}
RELATION_UNIT = {"own": "C1", "child": "V1", "parent": "P", "sibling": "C2", "unrelated": "Q"}
AS_OF = "2028-01-15"


def everyone(rels=ALL):
    return {role: rels for role in ROLES}


def only(roles, rels=ALL):
    return {role: (rels if role in roles else NONE) for role in ROLES}


TABLE = {
    ("GET", "/api/v1/plans/{id}/urging-rules"): ("any", everyone()),
    ("PUT", "/api/v1/plans/{id}/urging-rules"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/urgings"): ("any", everyone()),
    ("GET", "/api/v1/urgings/{id}"): ("rel", everyone(IN_SCOPE)),
    ("POST", "/api/v1/urgings/{id}/answer"): ("rel", only(ANSWERERS, IN_SCOPE)),
    ("POST", "/api/v1/urging/run"): ("any", only(PLAN_ADMINS)),
    ("GET", "/api/v1/notifications"): ("any", everyone()),
    ("GET", "/api/v1/notifications/unread-count"): ("any", everyone()),
    ("POST", "/api/v1/notifications/{id}/read"): ("any", only(NOTIFIED)),
    ("POST", "/api/v1/notifications/read-all"): ("any", everyone()),
    ("GET", "/api/v1/webhooks"): ("any", only(set())),
    ("POST", "/api/v1/webhooks"): ("any", only(set())),
    ("DELETE", "/api/v1/webhooks/{id}"): ("any", only(set())),
    ("GET", "/api/v1/deliveries"): ("any", only(set())),
}

JSON_BODY_ROUTES = {
    ("PUT", "/api/v1/plans/{id}/urging-rules"),
    ("POST", "/api/v1/urgings/{id}/answer"),
    ("POST", "/api/v1/urging/run"),
    ("POST", "/api/v1/webhooks"),
}

# Valid bodies (test_malformed's unknown-id check).
VALID_BODIES = {"/api/v1/urgings/{id}/answer": {"text": "Đơn vị đã khắc phục"}}

RULES = {"reminder_days_before": 5, "notice_days_after": 2, "explanation_days_after": 12,
         "inspection_days_after": 40}

_codes = itertools.count(1)


def scan(f, as_of=AS_OF):
    """Runs the scan as admin_p (every plan); returns the urgings it raised."""
    r = f.client("admin_p").ok("POST", "/api/v1/urging/run", {"as_of": as_of})
    return r.json()["items"]


def _world_urgings(w):
    """{(plan code, task code, rung): urging id} after the shared scan (raised once per world)."""
    cache = w.__dict__.get("urging_ids")
    if cache is None:
        scan(w.f)
        cache = {}
        admin = w.f.client("admin_p")
        for rel, unit in RELATION_UNIT.items():
            plan = w.f.plan["PX-" + unit]
            admin_client = admin if rel != "unrelated" else w.f.client("admin_q")
            page = admin_client.ok("GET", f"/api/v1/urgings?plan={plan}&limit=500").json()
            for u in page["items"]:
                if u["subject"] == "task":
                    cache[(rel, u["rung"])] = u["id"]
        w.__dict__["urging_ids"] = cache
    return cache


def fresh_request(f, rel):
    """A new explanation request on a new task of PX-<rel unit>, led by that unit."""
    unit = RELATION_UNIT[rel]
    admin = f.client("admin_p" if rel != "unrelated" else "admin_q")
    code = f"URG-{next(_codes)}"
    task = admin.ok("POST", "/api/v1/tasks", {
        "plan": f.plan["PX-" + unit], "code": code, "title_vi": "Nhiệm vụ đôn đốc",
        "lead_unit": f.unit[unit], "assigned_on": "2025-02-01", "deadline": "2027-06-30"},
        expect=201).json()
    for u in scan(f):
        if u["task"] == task["id"] and u["rung"] == "explanation_request":
            return u["id"]
    raise AssertionError(f"no explanation request raised for task {code}")


def _notification_of(w, login):
    """One notification id of `login`, or none."""
    _world_urgings(w)
    page = w.f.client(login).ok("GET", "/api/v1/notifications?limit=1").json()
    return page["items"][0]["id"] if page["items"] else None


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    f = w.f
    if path == "/api/v1/plans/{id}/urging-rules":
        if method == "GET":
            return c.get(f"/api/v1/plans/{f.plan['PL']}/urging-rules")
        return c.put(f"/api/v1/plans/{f.plan['PX-' + RELATION_UNIT[rel]]}/urging-rules", RULES)
    if path == "/api/v1/urgings":
        return c.get(path + "?open=true")
    if path == "/api/v1/urgings/{id}":
        return c.get(f"/api/v1/urgings/{_world_urgings(w)[(rel, 'notice')]}")
    if path == "/api/v1/urgings/{id}/answer":
        allowed = rel in TABLE[(method, path)][1][role]
        uid = fresh_request(f, rel) if allowed else _world_urgings(w)[(rel, "explanation_request")]
        return c.post(f"/api/v1/urgings/{uid}/answer", {"text": f"Giải trình của {role}"})
    if path == "/api/v1/urging/run":
        _world_urgings(w)
        return c.post(path, {"as_of": AS_OF})
    if path == "/api/v1/notifications/{id}/read":
        own = _notification_of(w, f"{role}_c1") if role in NOTIFIED else None
        other = _notification_of(w, "unit_officer_c1")
        return c.post(f"/api/v1/notifications/{own or other}/read")
    if path == "/api/v1/webhooks" and method == "POST":
        return c.post(path, {"url": "http://127.0.0.1:9/hook", "events": ["urging.notice"]})
    if path == "/api/v1/webhooks/{id}":
        hook = f.client("admin_p").ok("POST", "/api/v1/webhooks", {
            "url": "http://127.0.0.1:9/gone", "events": ["urging.notice"], "active": False},
            expect=201).json()
        return c.delete(f"/api/v1/webhooks/{hook['id']}")
    if method in ("GET",):
        return c.get(path)
    return c.post(path)


def specs(f):
    """The malformed-body catalog entries (test_malformed.specs), sent as admin_p."""
    return {
        ("PUT", "/api/v1/plans/{id}/urging-rules"): dict(
            path=f"/api/v1/plans/{f.plan['PL']}/urging-rules",
            fields={name: "int" for name in RULES}, required=sorted(RULES)),
        ("POST", "/api/v1/urgings/{id}/answer"): dict(
            path="/api/v1/urgings/1/answer", fields={"text": "str"}, required=["text"]),
        ("POST", "/api/v1/urging/run"): dict(path="/api/v1/urging/run", fields={"as_of": "date"}),
        ("POST", "/api/v1/webhooks"): dict(
            path="/api/v1/webhooks",
            fields={"url": "str", "events": "array", "active": "bool", "secret": "str"},
            required=["url", "events"]),
    }
