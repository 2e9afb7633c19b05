"""Access expectations of the feedback routes (see access_parts.py), and the client side of a
submission: solving the proof-of-work challenge with hashlib and sending from a chosen loopback
address (the rate limits count per client address, and every 127.0.0.0/8 address reaches the
server bound to 127.0.0.1).

Moderation belongs to the plan's administrators (CanAdministerPlan: admin or standing_agency whose
scope holds the plan's standing agency); its target is feedback on the plan PX-<unit of the
relation>, whose standing agency is that unit. Submitting, the challenge and the published view
are public; the moderation list answers everyone (with what they may moderate).
"""

import hashlib
import http.client
import itertools
import json

import harness

# As in access_table.py, which imports this module through access_parts and so cannot be imported
# from here at load time.
ROLES = ["admin", "steering", "standing_agency", "unit_leader", "unit_officer", "viewer"]
ALL = frozenset({"own", "child", "parent", "sibling", "unrelated"})
IN_SCOPE = frozenset({"own", "child"})
PLAN_ADMINS = {"admin", "standing_agency"}
RELATION_UNIT = {"own": "C1", "child": "V1", "parent": "P", "sibling": "C2", "unrelated": "Q"}


def everyone():
    return {role: ALL for role in ROLES}


def only(roles, rels):
    return {role: (rels if role in roles else frozenset()) for role in ROLES}


TABLE = {
    ("GET", "/api/v1/feedback/challenge"): ("any", everyone()),
    ("POST", "/api/v1/feedback"): ("any", everyone()),
    ("GET", "/api/v1/feedback/published"): ("any", everyone()),
    ("GET", "/api/v1/feedback"): ("any", everyone()),
    ("GET", "/api/v1/feedback/{id}"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("POST", "/api/v1/feedback/{id}/accept"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("POST", "/api/v1/feedback/{id}/reject"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
    ("POST", "/api/v1/feedback/{id}/answer"): ("rel", only(PLAN_ADMINS, IN_SCOPE)),
}

JSON_BODY_ROUTES = {
    ("POST", "/api/v1/feedback"),
    ("POST", "/api/v1/feedback/{id}/accept"),
    ("POST", "/api/v1/feedback/{id}/reject"),
    ("POST", "/api/v1/feedback/{id}/answer"),
}

MODERATION = {"accept": {}, "reject": {"reason": "Không phù hợp"},
              "answer": {"answer": "Đã tiếp thu, sẽ triển khai"}}

# Routes that need no sign-in (test_malformed's 401 check skips them).
PUBLIC_ROUTES = {("GET", "/api/v1/feedback/challenge"), ("POST", "/api/v1/feedback"),
                 ("GET", "/api/v1/feedback/published")}

# Valid bodies for the moderation routes (test_malformed's unknown-id check).
VALID_BODIES = {f"/api/v1/feedback/{{id}}/{action}": body for action, body in MODERATION.items()}

_addresses = itertools.count(2)
_texts = itertools.count(1)


def fresh_address():
    """A loopback address no submission of this process used yet (127.0.0.2 … 127.0.250.254)."""
    n = next(_addresses)
    return f"127.0.{n // 253}.{n % 253 + 2}"


def solve(token, difficulty):
    """The first decimal nonce whose SHA-256(token ":" nonce) has `difficulty` leading zero bits."""
    for n in itertools.count():
        digest = hashlib.sha256(f"{token}:{n}".encode()).digest()
        if int.from_bytes(digest, "big") >> (256 - difficulty) == 0:
            return str(n)


def challenge(client):
    c = client.ok("GET", "/api/v1/feedback/challenge").json()
    return {"token": c["token"], "nonce": solve(c["token"], c["difficulty"])}


def call_from(client, source, method, path, body=None, headers=None, check=True):
    """`client`'s request (its credentials, language and CSRF token) from address `source`."""
    h = {"Accept-Language": client.lang}
    if client.bearer:
        h["Authorization"] = f"Bearer {client.bearer}"
    elif client.cookie:
        h["Cookie"] = f"pw_session={client.cookie}"
        if client.csrf and method not in ("GET", "HEAD", "OPTIONS"):
            h["X-CSRF-Token"] = client.csrf
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30,
                                      source_address=(source, 0))
    try:
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        r = harness.Response(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()
    if check:
        harness.check_response(method, path, r)
    return r


def submission(target_kind, target_id, text=None, **extra):
    body = {"target": {"kind": target_kind, "id": target_id}, "kind": "recommendation",
            "text": text or f"Góp ý số {next(_texts)}"}
    body.update(extra)
    return body


def submit(client, body, source=None):
    """Sends `body` with a freshly solved challenge (unless it has one) from `source`."""
    body = dict(body)
    body.setdefault("challenge", challenge(client))
    return call_from(client, source or fresh_address(), "POST", "/api/v1/feedback", body)


def _fresh_feedback(w, rel):
    plan = w.f.plan["PX-" + RELATION_UNIT[rel]]
    r = submit(w.f.anonymous(), submission("plan", plan, name="Người dân"))
    assert r.status == 201, r
    return r.json()["id"]


def _shared_feedback(w, rel):
    """One new piece of feedback per relation, for the requests that must be refused."""
    cache = w.__dict__.setdefault("feedback_shared", {})
    if rel not in cache:
        cache[rel] = _fresh_feedback(w, rel)
    return cache[rel]


def build(w, method, path, role, rel):
    if (method, path) not in TABLE:
        return None
    c = w.role_client[role]
    if path == "/api/v1/feedback/challenge":
        return c.get(path)
    if (method, path) == ("POST", "/api/v1/feedback"):
        return submit(c, submission("plan", w.f.plan["PL"], f"Ý kiến của {role} {next(_texts)}"))
    if path == "/api/v1/feedback/published":
        return c.get(f"{path}?plan={w.f.plan['PL']}")
    if (method, path) == ("GET", "/api/v1/feedback"):
        return c.get(path)
    if path == "/api/v1/feedback/{id}":
        return c.get(f"/api/v1/feedback/{_shared_feedback(w, rel)}")
    action = path.rsplit("/", 1)[1]
    # An allowed moderation moves the feedback on, so it gets one of its own; a refused one must
    # leave the shared feedback as it was (were it wrongly allowed, the answer is 2xx or 409).
    allowed = rel in TABLE[(method, path)][1][role]
    fid = _fresh_feedback(w, rel) if allowed else _shared_feedback(w, rel)
    return c.post(f"/api/v1/feedback/{fid}/{action}", MODERATION[action])


def specs(f):
    """The malformed-body catalog entries (test_malformed.specs). `target` and `challenge` are
    objects: the catalog's "ref" kind sends a string for them, which is the wrong type too."""
    fid = _catalog_feedback(f)
    moderation = {
        "accept": dict(fields={}),
        "reject": dict(fields={"reason": "str"}, required=["reason"]),
        "answer": dict(fields={"answer": "str"}, required=["answer"]),
    }
    out = {("POST", "/api/v1/feedback"): dict(
        path="/api/v1/feedback", client="anonymous",
        fields={"target": "ref", "kind": "str", "text": "str", "name": "str", "contact": "str",
                "challenge": "ref"},
        required=["target", "kind", "text", "challenge"])}
    for action, spec in moderation.items():
        out[("POST", f"/api/v1/feedback/{{id}}/{action}")] = dict(
            path=f"/api/v1/feedback/{fid}/{action}", **spec)
    return out


def _catalog_feedback(f):
    """New feedback on PL (administered by D, in admin_p's scope) for the catalog's bodies."""
    r = submit(f.anonymous(), submission("plan", f.plan["PL"], "Góp ý cho danh mục lỗi"))
    assert r.status == 201, r
    return r.json()["id"]
