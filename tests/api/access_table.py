"""The expected access matrix of every API route, written by hand from the policy in
src/planwatch/domain/access.h (the table in its header comment and access.cc), not from the server.

Callers: one user per role, each scoped at commune C1. Targets are tied to a unit whose relation to
C1 is one of:
  own       C1 itself
  child     V1 (a village beneath C1)
  parent    P  (the province above C1)
  sibling   C2 (another commune of P)
  unrelated Q  (another root province)
What "tied to" means per route is in its comment (a task led by the unit in a plan the unit
administers, a value of the unit, an indicator the unit is responsible for, …).

Each entry: (method, path template) -> (scope, allowed) where scope is "any" (the route's outcome
does not depend on a target unit; tested once per role) or "rel" (tested per relation), and
allowed maps role -> the relations on which it is allowed (for "any": a non-empty set = allowed).
"""

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
RELATIONS = ["own", "child", "parent", "sibling", "unrelated"]
RELATION_UNIT = {"own": "C1", "child": "V1", "parent": "P", "sibling": "C2", "unrelated": "Q"}

ALL = frozenset(RELATIONS)
IN_SCOPE = frozenset({"own", "child"})  # the subtree of C1
NONE = frozenset()


def everyone(rels=ALL):
    return {role: rels for role in ROLES}


def only(roles, rels=ALL):
    return {role: (rels if role in roles else NONE) for role in ROLES}


ADMIN = {"admin"}
# Directives: admin and standing_agency, whatever their scope (CanManageDirectives).
DIRECTIVE_WRITERS = {"admin", "standing_agency"}
# Plans, task groups, tasks, verify/return/amend/cancel: admin or standing_agency whose scope holds
# the plan's standing agency (CanAdministerPlan); indicators and targets: the same roles with the
# responsible unit in scope (CanManageIndicator).
PLAN_ADMINS = {"admin", "standing_agency"}
# Progress, claims, evidence: the plan's administrators, and unit leaders and officers whose scope
# holds the lead unit (CanReportOnTask).
REPORTERS = {"admin", "standing_agency", "unit_leader", "unit_officer"}
# Comments: everyone who sees the task but viewers (CanCommentOnTask).
COMMENTERS = {"admin", "steering", "standing_agency", "unit_leader", "unit_officer"}
# Data values: every role but viewer and steering, in scope (CanWriteValues).
VALUE_WRITERS = {"admin", "standing_agency", "unit_leader", "unit_officer"}

TABLE = {
    # Public.
    ("GET", "/"): ("any", everyone()),
    ("GET", "/healthz"): ("any", everyone()),
    ("GET", "/metrics"): ("any", everyone()),
    ("GET", "/api/v1/openapi.json"): ("any", everyone()),
    ("POST", "/api/v1/session"): ("any", everyone()),  # signing in with one's own credentials
    # The caller's own session and tokens.
    ("GET", "/api/v1/session"): ("any", everyone()),
    ("DELETE", "/api/v1/session"): ("any", everyone()),
    ("GET", "/api/v1/tokens"): ("any", everyone()),
    ("POST", "/api/v1/tokens"): ("any", everyone()),
    ("DELETE", "/api/v1/tokens/{id}"): ("any", everyone()),  # a token of one's own
    # Users: admins, for users scoped in their subtree (CanManageUsers); target: a user scoped at
    # the relation's unit, or a new user scoped there.
    ("GET", "/api/v1/users"): ("any", only(ADMIN)),
    ("POST", "/api/v1/users"): ("rel", only(ADMIN, IN_SCOPE)),
    ("GET", "/api/v1/users/{id}"): ("rel", only(ADMIN, IN_SCOPE)),
    ("PATCH", "/api/v1/users/{id}"): ("rel", only(ADMIN, IN_SCOPE)),
    # Org units: reference data readable by all; admins manage units whose parent is in scope
    # (CanManageUnit). Target of a read: the unit itself; of a write: a unit beneath it.
    ("GET", "/api/v1/org-units"): ("any", everyone()),
    ("POST", "/api/v1/org-units"): ("rel", only(ADMIN, IN_SCOPE)),
    ("GET", "/api/v1/org-units/{id}"): ("rel", everyone()),
    ("PATCH", "/api/v1/org-units/{id}"): ("rel", only(ADMIN, IN_SCOPE)),
    ("DELETE", "/api/v1/org-units/{id}"): ("rel", only(ADMIN, IN_SCOPE)),
    ("GET", "/api/v1/org-units/{id}/history"): ("rel", everyone()),
    # Directives.
    ("GET", "/api/v1/directives"): ("any", everyone()),
    ("POST", "/api/v1/directives"): ("any", only(DIRECTIVE_WRITERS)),
    ("GET", "/api/v1/directives/{id}"): ("any", everyone()),
    ("PATCH", "/api/v1/directives/{id}"): ("any", only(DIRECTIVE_WRITERS)),
    ("DELETE", "/api/v1/directives/{id}"): ("any", only(DIRECTIVE_WRITERS)),
    # Plans and task groups: target: a plan whose standing agency (and issuer) is the unit.
    ("GET", "/api/v1/plans"): ("any", everyone()),
    ("POST", "/api/v1/plans"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/plans/{id}"): ("rel", everyone()),
    ("PATCH", "/api/v1/plans/{id}"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("DELETE", "/api/v1/plans/{id}"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/task-groups"): ("any", everyone()),
    ("POST", "/api/v1/task-groups"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/task-groups/{id}"): ("rel", everyone()),
    ("PATCH", "/api/v1/task-groups/{id}"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("DELETE", "/api/v1/task-groups/{id}"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    # Tasks: target: a task led by the unit in the plan the unit administers. Visible to every
    # role whose scope holds the lead unit (CanReadTask); lists are filtered, never refused.
    ("GET", "/api/v1/tasks"): ("any", everyone()),
    ("POST", "/api/v1/tasks"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/tasks/{id}"): ("rel", everyone(IN_SCOPE)),
    ("PATCH", "/api/v1/tasks/{id}"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/tasks/{id}/events"): ("rel", everyone(IN_SCOPE)),
    ("GET", "/api/v1/tasks/{id}/history"): ("rel", everyone(IN_SCOPE)),
    ("POST", "/api/v1/tasks/{id}/progress"): ("rel", only(REPORTERS, IN_SCOPE)),
    ("POST", "/api/v1/tasks/{id}/claim"): ("rel", only(REPORTERS, IN_SCOPE)),
    ("POST", "/api/v1/tasks/{id}/verify"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("POST", "/api/v1/tasks/{id}/return"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("POST", "/api/v1/tasks/{id}/amend"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("POST", "/api/v1/tasks/{id}/cancel"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/tasks/{id}/comments"): ("rel", everyone(IN_SCOPE)),
    ("POST", "/api/v1/tasks/{id}/comments"): ("rel", only(COMMENTERS, IN_SCOPE)),
    ("GET", "/api/v1/tasks/{id}/evidence"): ("rel", everyone(IN_SCOPE)),
    ("POST", "/api/v1/tasks/{id}/evidence"): ("rel", only(REPORTERS, IN_SCOPE)),
    ("GET", "/api/v1/evidence/{id}"): ("rel", everyone(IN_SCOPE)),  # a file of such a task
    # Indicators and targets: target: an indicator the unit is responsible for.
    ("GET", "/api/v1/indicators"): ("any", everyone()),
    ("POST", "/api/v1/indicators"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/indicators/{id}"): ("rel", everyone()),
    ("PATCH", "/api/v1/indicators/{id}"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("DELETE", "/api/v1/indicators/{id}"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("GET", "/api/v1/indicators/{id}/targets"): ("rel", everyone()),
    ("POST", "/api/v1/indicators/{id}/targets"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    # Data values: target: a value of the unit (CanReadValues / CanWriteValues); the list is
    # asked for unit=<the unit>.
    ("GET", "/api/v1/data-values"): ("rel", everyone(IN_SCOPE)),
    ("POST", "/api/v1/data-values"): ("rel", only(VALUE_WRITERS, IN_SCOPE)),
    ("GET", "/api/v1/data-values/{indicator}/{unit}/{period}"): ("rel", everyone(IN_SCOPE)),
    ("PUT", "/api/v1/data-values/{indicator}/{unit}/{period}"): ("rel", only(VALUE_WRITERS, IN_SCOPE)),
    ("DELETE", "/api/v1/data-values/{indicator}/{unit}/{period}"): ("rel", only(VALUE_WRITERS, IN_SCOPE)),
    ("GET", "/api/v1/data-values/{indicator}/{unit}/{period}/history"): ("rel", everyone(IN_SCOPE)),
    # Whole-file imports (CanImport): an admin of a root unit only, so no caller scoped at C1.
    ("POST", "/api/v1/imports/{kind}"): ("any", only(set())),
    # Analytics over the unit's subtree (CanReadAnalytics): in scope only.
    ("GET", "/api/v1/analytics/tasks"): ("rel", everyone(IN_SCOPE)),
    ("GET", "/api/v1/analytics/indicators"): ("rel", everyone(IN_SCOPE)),
}


def expected_allowed(method, path, role, relation=None):
    scope, allowed = TABLE[(method, path)]
    if scope == "any":
        return bool(allowed[role])
    return relation in allowed[role]


# Routes of later parts of the API keep their expectations (and how to call them) beside their
# own tests: every module access_<part>.py in this folder adds its TABLE here.
import access_parts  # noqa: E402

for _part in access_parts.PARTS:
    _overlap = set(TABLE) & set(_part.TABLE)
    assert not _overlap, f"{_part.__name__} repeats {sorted(_overlap)}"
    TABLE.update(_part.TABLE)
