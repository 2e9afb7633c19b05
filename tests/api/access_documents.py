"""Access expectations of the document exports (see access_parts.py).

The PDF summary and the scorecards and indicators workbooks are figures over a whole plan: for those who may read
analytics of the plan's issuing unit or administer the plan; the target is the plan
PX-<unit of the relation>, issued and administered by that unit, so every role is allowed exactly
in its own subtree. The task workbook is for every signed-in user (with the tasks they may read).
"""

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})
IN_SCOPE = frozenset({"own", "child"})
RELATION_UNIT = {"own": "C1", "child": "V1", "parent": "P", "sibling": "C2", "unrelated": "Q"}

TABLE = {
    ("GET", "/api/v1/exports/plan-summary.pdf"): ("rel", {role: IN_SCOPE for role in ROLES}),
    ("GET", "/api/v1/exports/scorecards.xlsx"): ("rel", {role: IN_SCOPE for role in ROLES}),
    ("GET", "/api/v1/exports/tasks.xlsx"): ("any", {role: ALL for role in ROLES}),
    ("GET", "/api/v1/exports/indicators.xlsx"): ("rel", {role: IN_SCOPE for role in ROLES}),
}

JSON_BODY_ROUTES = set()


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    plan = "PX-" + RELATION_UNIT.get(rel, "C1")
    if path.endswith("plan-summary.pdf"):
        return c.get(f"{path}?plan={plan}&period=2025&lang=vi")
    if path.endswith("scorecards.xlsx"):
        return c.get(f"{path}?plan={plan}&period=2025")
    if path.endswith("indicators.xlsx"):
        return c.get(f"{path}?plan={plan}&year=2025")
    return c.get(f"{path}?plan=PL&as_of=2025-12-31")


def specs(f):
    """No JSON bodies: nothing for the malformed-body catalog."""
    return {}
