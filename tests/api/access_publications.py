"""Access expectations of publications (see access_parts.py).

Plan datasets are published and withdrawn by the plan's administrators (CanAdministerPlan): the
target is a fresh plan issued and administered by the unit of the relation (a fresh one per call,
so that no publication is refused as unchanged). The list is readable by every signed-in user.
"""

import itertools
import re

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})
IN_SCOPE = frozenset({"own", "child"})
NONE = frozenset()
PLAN_ADMINS = {"admin", "standing_agency"}


def everyone(rels):
    return {role: rels for role in ROLES}


def admins(rels):
    return {role: (rels if role in PLAN_ADMINS else NONE) for role in ROLES}


TABLE = {
    ("GET", "/api/v1/publications"): ("any", everyone(ALL)),
    ("POST", "/api/v1/publications"): ("rel", admins(IN_SCOPE)),
    ("POST", "/api/v1/publications/{name}/withdraw"): ("rel", admins(IN_SCOPE)),
}

JSON_BODY_ROUTES = {("POST", "/api/v1/publications")}

_seq = itertools.count(1)


def dataset_name(kind, code):
    """The dataset name the server gives a code (service/publishing.h DatasetSlug)."""
    return kind + "-" + re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


def fresh_plan_code(w, rel):
    body = dict(w.plan_body(rel), code=f"PUB-{next(_seq)}")
    w.created(rel, "/api/v1/plans", body)
    return body["code"]


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    if method == "GET":
        return c.get(path)
    code = fresh_plan_code(w, rel)
    if path == "/api/v1/publications":
        return c.post(path, {"kind": "plan", "subject": code})
    w.setup(rel).ok("POST", "/api/v1/publications", {"kind": "plan", "subject": code}, expect=201)
    return c.post(f"/api/v1/publications/{dataset_name('plan', code)}/withdraw")


def specs(f):
    """The malformed-body catalog entry of POST /api/v1/publications (as test_malformed.specs)."""
    return {
        ("POST", "/api/v1/publications"): dict(
            path="/api/v1/publications",
            fields={"kind": "str", "subject": "str", "period": "period"},
            required=["kind", "subject"]),
    }
