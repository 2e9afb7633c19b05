"""Access expectations of the open-data routes (see access_parts.py): all public and read-only,
so every role reads them, as does a caller without a session. Their target is the fixture plan
PL's dataset, published once by admin_p before the first request.
"""

ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})


def everyone():
    return {role: ALL for role in ROLES}


# The router's templates: {file} is <name>.json|csv, or under {name} v<N>.json|csv,
# versions.json or diff.json.
PATHS = {
    "/open/catalog.jsonld": "/open/catalog.jsonld",
    "/open/datasets.json": "/open/datasets.json",
    "/open/datasets/{file}": "/open/datasets/{name}.csv",
    "/open/datasets/{name}/{file}": "/open/datasets/{name}/v1.json",
    "/api/3/action/package_list": "/api/3/action/package_list",
    "/api/3/action/package_show": "/api/3/action/package_show?id={name}",
    "/api/3/action/package_search": "/api/3/action/package_search?q=pl&rows=5",
    "/api/3/action/organization_list": "/api/3/action/organization_list?all_fields=true",
}

TABLE = {("GET", template): ("any", everyone()) for template in PATHS}

# Routes that need no sign-in (test_malformed's 401 check skips them).
PUBLIC_ROUTES = set(TABLE)

_published = set()  # fixture databases where PL's dataset is published


def dataset_name(f):
    """The name of the fixture plan PL's dataset, published on first use in `f`'s database."""
    if f.db not in _published:
        admin = f.client("admin_p")
        r = admin.post("/api/v1/publications", {"kind": "plan", "subject": "PL"})
        if r.status not in (201, 409):
            raise AssertionError(f"publishing PL: {r.status} {r.body[:300]!r}")
        _published.add(f.db)
    return "plan-pl"


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    return w.role_client[role].get(PATHS[path].replace("{name}", dataset_name(w.f)))
