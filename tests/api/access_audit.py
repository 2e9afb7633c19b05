"""Access expectations of the audit log (see access_parts.py; rules in service/audit.h).

One subject's history is readable by whoever may read the subject: the target here is the task
of the relation's unit (the task led by that unit in the plan it administers), so the rule is that
of GET /api/v1/tasks/{id} — every role, in scope. The whole log, the checkpoints and signing one
are for admins whose scope is a root unit: no caller scoped at C1 (test_audit.py checks admin_p).
"""

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
IN_SCOPE = frozenset({"own", "child"})
NOBODY = {role: frozenset() for role in ROLES}

TABLE = {
    ("GET", "/api/v1/audit"): ("rel", {role: IN_SCOPE for role in ROLES}),
    ("GET", "/api/v1/audit/checkpoints"): ("any", NOBODY),
    ("POST", "/api/v1/audit/checkpoints"): ("any", NOBODY),
}

JSON_BODY_ROUTES = set()


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    if path == "/api/v1/audit":
        return c.get(f"/api/v1/audit?subject=task:{w.task_of(rel)}&limit=5")
    if method == "GET":
        return c.get(path)
    return c.post(path)


def specs(f):
    """No JSON bodies: nothing for the malformed-body catalog."""
    return {}
