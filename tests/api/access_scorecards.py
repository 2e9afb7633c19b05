"""Access expectations of scorecards, their weights and reviews (see access_parts.py).

Scorecards are analytics: a unit's cards to those who may read analytics of it (its subtree in
their scope); the target is the unit of the relation, in plan PL. Weights are read by every
signed-in user and set by the plan's administrators; the target is the plan PX-<unit of the
relation>, issued and administered by that unit. Reviews of PX-<unit>: created and published by
its administrators; an unpublished review is read by them and by those who may read analytics of
the issuing unit (every role, in its own subtree).
"""

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})
IN_SCOPE = frozenset({"own", "child"})
NONE = frozenset()
RELATION_UNIT = {"own": "C1", "child": "V1", "parent": "P", "sibling": "C2", "unrelated": "Q"}
PLAN_ADMINS = {"admin", "standing_agency"}


def everyone(rels):
    return {role: rels for role in ROLES}


def admins(rels):
    return {role: (rels if role in PLAN_ADMINS else NONE) for role in ROLES}


TABLE = {
    ("GET", "/api/v1/scorecards"): ("rel", everyone(IN_SCOPE)),
    ("GET", "/api/v1/scorecards/history"): ("rel", everyone(IN_SCOPE)),
    ("GET", "/api/v1/plans/{id}/scorecard-weights"): ("rel", everyone(ALL)),
    ("PUT", "/api/v1/plans/{id}/scorecard-weights"): ("rel", admins(IN_SCOPE)),
    ("GET", "/api/v1/reviews"): ("any", everyone(ALL)),
    ("POST", "/api/v1/reviews"): ("rel", admins(IN_SCOPE)),
    ("GET", "/api/v1/reviews/{id}"): ("rel", everyone(IN_SCOPE)),
    ("POST", "/api/v1/reviews/{id}/publish"): ("rel", admins(IN_SCOPE)),
    ("GET", "/api/v1/reviews/compare"): ("rel", everyone(IN_SCOPE)),
}

JSON_BODY_ROUTES = {("POST", "/api/v1/reviews"), ("PUT", "/api/v1/plans/{id}/scorecard-weights")}

WEIGHTS = {"on_time": 0.5, "timeliness": 0.2, "achievement": 0.3}


def review_body(plan_id):
    return {"plan": plan_id, "as_of": "2025-06-30", "kind": "interim", "title_vi": "Sơ kết"}


_reviews = {}


def a_review(w, rel, fresh=False):
    """An unpublished review of PX-<unit>, made by the relation's setup admin."""
    key = (id(w), rel)
    if fresh or key not in _reviews:
        r = w.setup(rel).ok("POST", "/api/v1/reviews", review_body(w.plan_of(rel)), expect=201)
        if fresh:
            return r.json()["id"]
        _reviews[key] = r.json()["id"]
    return _reviews[key]


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    unit = RELATION_UNIT.get(rel, "C1")
    if path == "/api/v1/scorecards":
        return c.get(f"{path}?plan=PL&period=2025&unit={unit}")
    if path == "/api/v1/scorecards/history":
        return c.get(f"{path}?plan=PL&unit={unit}&from=2025Q1&to=2025Q2")
    if path == "/api/v1/plans/{id}/scorecard-weights":
        target = f"/api/v1/plans/{w.plan_of(rel)}/scorecard-weights"
        if method == "GET":
            return c.get(target)
        return c.put(target, WEIGHTS, if_match="*")
    if (method, path) == ("GET", "/api/v1/reviews"):
        return c.get(path)
    if (method, path) == ("POST", "/api/v1/reviews"):
        return c.post(path, review_body(w.plan_of(rel)))
    if path == "/api/v1/reviews/{id}":
        return c.get(f"/api/v1/reviews/{a_review(w, rel)}")
    if path == "/api/v1/reviews/{id}/publish":
        return c.post(f"/api/v1/reviews/{a_review(w, rel, fresh=True)}/publish")
    first = a_review(w, rel)
    second = a_review(w, rel, fresh=True)
    return c.get(f"/api/v1/reviews/compare?a={first}&b={second}")


def specs(f):
    """The malformed-body catalog entries of the JSON routes (as test_malformed.specs)."""
    return {
        ("POST", "/api/v1/reviews"): dict(
            path="/api/v1/reviews",
            fields={"plan": "ref", "as_of": "date", "kind": "str", "title_vi": "str",
                    "title_en": "str"},
            required=["plan", "as_of", "kind", "title_vi"],
            refs={"plan": {"as_of": "2025-06-30", "kind": "interim", "title_vi": "Sơ kết"}}),
        ("PUT", "/api/v1/plans/{id}/scorecard-weights"): dict(
            path=f"/api/v1/plans/{f.plan['PL']}/scorecard-weights",
            fields={"on_time": "num", "timeliness": "num", "achievement": "num"},
            required=["on_time", "timeliness", "achievement"]),
    }
