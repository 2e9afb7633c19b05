"""Access expectations of the data exchange routes (see access_parts.py).

The DHIS2 data value set export holds only values the caller may read (AccessPolicy::
CanReadValues): asked for the subtree of the relation's unit, every role is allowed exactly in
its own subtree and refused (403) elsewhere.
"""

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
IN_SCOPE = frozenset({"own", "child"})
RELATION_UNIT = {"own": "C1", "child": "V1", "parent": "P", "sibling": "C2", "unrelated": "Q"}

TABLE = {
    ("GET", "/api/v1/exports/dataValueSets.json"): ("rel", {role: IN_SCOPE for role in ROLES}),
}

JSON_BODY_ROUTES = set()


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    return w.role_client[role].get(f"{path}?orgUnit={RELATION_UNIT[rel]}&children=true")


def specs(f):
    """No JSON bodies: nothing for the malformed-body catalog."""
    return {}
