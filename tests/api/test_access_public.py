"""The public scope: every route of openapi.json requested without valid credentials — no
credentials at all, an unknown session cookie, the cookie of a session that was signed out, and a
revoked API token — against the hand-written list of access_public.py.

Requests are the matrix's own (test_access.build, on targets that exist and with valid bodies), so
a 401 cannot be mistaken for a validation or not-found answer. A refusal is exactly the
unauthenticated problem: no record, list or field of data in its body.
"""

import secrets
import unittest

import access_feedback
import harness
import test_access
from access_public import PUBLIC, SIGNED_IN, UI_FILES
from harness import setUpModule, tearDownModule  # noqa: F401

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}
UNAUTHENTICATED = "urn:planwatch:problem:unauthenticated"


class Callers:
    """The four kinds of caller without a valid credential, as harness clients."""

    def __init__(self, f):
        self.anonymous = f.anonymous()
        self.unknown_cookie = harness.Client(f.port)
        self.unknown_cookie.cookie = secrets.token_urlsafe(32)
        self.unknown_cookie.csrf = secrets.token_urlsafe(16)
        # A session signed out: its cookie and CSRF token are kept and sent again.
        self.ended_cookie = harness.Client(f.port).login("viewer_c1")
        self.ended_cookie.ok("DELETE", "/api/v1/session", expect=204)
        # A token revoked by its owner.
        owner = f.client("viewer_c1")
        self.revoked_token = owner.token_client("to be revoked")
        owner.ok("DELETE", f"/api/v1/tokens/{self.revoked_token.token_id}", expect=204)

    def all(self):
        return {"anonymous": self.anonymous, "unknown cookie": self.unknown_cookie,
                "ended session": self.ended_cookie, "revoked token": self.revoked_token}


def request(w, client, method, path):
    """The matrix's request for (method, path) on a target the caller would own, sent by
    `client`; the routes whose matrix request needs a signed-in caller are spelled out here."""
    f = w.f
    if (method, path) == ("POST", "/api/v1/session"):
        return client.post(path, {"login": "viewer_c1", "password": harness.PASSWORD})
    if (method, path) == ("DELETE", "/api/v1/session"):
        return client.delete(path)
    if (method, path) == ("DELETE", "/api/v1/tokens/{id}"):
        live = f.client("viewer_q").token_client("someone else's")
        return client.delete(f"/api/v1/tokens/{live.token_id}")
    if (method, path) == ("POST", "/api/v1/feedback"):
        # The challenge is fetched anonymously, so that only the submission carries `client`'s
        # credentials.
        body = access_feedback.submission("plan", f.plan["PL"], "Ý kiến không đăng nhập")
        body["challenge"] = access_feedback.challenge(f.anonymous())
        return access_feedback.call_from(client, access_feedback.fresh_address(), "POST", path,
                                         body)
    w.role_client = {role: client for role in test_access.ROLES}
    return test_access.build(w, method, path, "viewer", "own")


class PublicScopeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.w = test_access.World(cls.f)
        cls.callers = Callers(cls.f)
        # A build with the web UI serves its files (the icon among them) before any route.
        cls.web_ui = cls.f.anonymous().get("/favicon.svg", check=False).status == 200
        doc = cls.f.anonymous().ok("GET", "/api/v1/openapi.json").json()
        cls.routes = {(m.upper(), p) for p, item in doc["paths"].items() for m in item
                      if m in ("get", "post", "put", "patch", "delete")}

    def test_every_openapi_route_is_in_the_table(self):
        self.assertEqual(sorted(self.routes - PUBLIC - SIGNED_IN), [],
                         "routes of openapi.json without a public/signed-in expectation")

    def test_every_table_entry_is_in_openapi(self):
        self.assertEqual(sorted((PUBLIC | SIGNED_IN) - self.routes), [])

    def test_the_public_list_is_the_expected_one(self):
        # The open data routes, CKAN's, the three of the feedback form and five doors.
        self.assertEqual(len(PUBLIC), 16)
        self.assertEqual(sorted(p for _, p in PUBLIC if p.startswith(("/open/", "/api/3/"))),
                         sorted(["/open/catalog.jsonld", "/open/datasets.json",
                                 "/open/datasets/{file}", "/open/datasets/{name}/{file}",
                                 "/api/3/action/package_list", "/api/3/action/package_show",
                                 "/api/3/action/package_search",
                                 "/api/3/action/organization_list"]))

    def assert_unauthenticated(self, r, where):
        """The refusal: 401, the unauthenticated problem, a challenge, and no data."""
        self.assertEqual(r.status, 401, f"{where}: {r!r}")
        doc = r.json()
        self.assertEqual(doc["type"], UNAUTHENTICATED, where)
        self.assertLessEqual(set(doc), PROBLEM_KEYS, f"{where}: extra members {doc}")
        self.assertTrue((r.header("WWW-Authenticate") or "").startswith("Bearer"), where)
        self.assertIsNone(r.header("Set-Cookie"), where)

    def check_route(self, method, path):
        wrong = []
        for name, client in self.callers.all().items():
            r = request(self.w, client, method, path)
            where = f"{method} {path} by {name}"
            public = (method, path) in PUBLIC and (
                name != "revoked token" or ((method, path) in UI_FILES and self.web_ui))
            if public:
                if not 200 <= r.status < 300:
                    wrong.append(f"{where}: expected 2xx, got {r.status} {r.body[:200]!r}")
                continue
            try:
                self.assert_unauthenticated(r, where)
            except AssertionError as e:
                wrong.append(str(e)[:400])
        self.assertEqual(wrong, [])

    def test_a_revoked_token_is_refused_with_invalid_token(self):
        r = self.callers.revoked_token.get("/api/v1/session")
        self.assert_unauthenticated(r, "GET /api/v1/session by revoked token")
        self.assertIn('error="invalid_token"', r.header("WWW-Authenticate"))

    def test_a_signed_out_session_stays_signed_out(self):
        # Sent again with its CSRF token, a signed-out cookie opens nothing, even a write.
        r = self.callers.ended_cookie.post(
            f"/api/v1/tasks/{self.f.task[('PL', 'T-C1')]}/comments", {"body": "Vẫn còn phiên?"})
        self.assert_unauthenticated(r, "POST comments by ended session")
        comments = self.f.client("viewer_c1").ok(
            "GET", f"/api/v1/tasks/{self.f.task[('PL', 'T-C1')]}/comments").json()
        self.assertNotIn("Vẫn còn phiên?", [c.get("body") for c in comments["items"]])


def _add_route_tests():
    for (method, path) in sorted(PUBLIC | SIGNED_IN):
        name = "test_" + method.lower() + "_" + "".join(
            ch if ch.isalnum() else "_" for ch in path.strip("/"))

        def test(self, method=method, path=path):
            self.assertIn((method, path), self.routes, "not in openapi.json")
            self.check_route(method, path)

        setattr(PublicScopeTest, name, test)


_add_route_tests()


if __name__ == "__main__":
    harness.main()
