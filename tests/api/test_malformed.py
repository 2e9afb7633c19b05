"""The malformed-input catalog: every route that takes a JSON body, every list's query string,
unknown ids in paths, oversized and garbage requests, and requests without credentials. Each
answer must be a clear 4xx problem, and the database must be unchanged afterwards.
"""

import json
import socket
import unittest

import access_parts
import harness
from harness import PASSWORD, setUpModule, tearDownModule, value_path  # noqa: F401

# Field kinds: str, int, num, bool, array, date, period, ref (an id), values (the batch array).
WRONG_TYPE = {"str": 12345, "int": "x", "num": "x", "bool": "yes", "array": "x", "date": 20250101,
              "period": 202501, "ref": "x", "values": "x"}
BAD_DATES = ["2025-02-30", "31/12/2025"]
BAD_PERIODS = ["2025Q5", "202513"]

# Routes that take a JSON body, as the router has them (openapi.json must list the same ones).
JSON_BODY_ROUTES = {
    ("POST", "/api/v1/session"), ("POST", "/api/v1/tokens"), ("POST", "/api/v1/users"),
    ("PATCH", "/api/v1/users/{id}"),
    ("POST", "/api/v1/org-units"), ("PATCH", "/api/v1/org-units/{id}"),
    ("POST", "/api/v1/directives"), ("PATCH", "/api/v1/directives/{id}"),
    ("POST", "/api/v1/plans"), ("PATCH", "/api/v1/plans/{id}"),
    ("POST", "/api/v1/task-groups"), ("PATCH", "/api/v1/task-groups/{id}"),
    ("POST", "/api/v1/tasks"), ("PATCH", "/api/v1/tasks/{id}"),
    ("POST", "/api/v1/indicators"), ("PATCH", "/api/v1/indicators/{id}"),
    ("POST", "/api/v1/tasks/{id}/progress"), ("POST", "/api/v1/tasks/{id}/claim"),
    ("POST", "/api/v1/tasks/{id}/verify"), ("POST", "/api/v1/tasks/{id}/return"),
    ("POST", "/api/v1/tasks/{id}/amend"), ("POST", "/api/v1/tasks/{id}/cancel"),
    ("POST", "/api/v1/tasks/{id}/comments"),
    ("POST", "/api/v1/indicators/{id}/targets"), ("POST", "/api/v1/data-values"),
    ("PUT", "/api/v1/data-values/{indicator}/{unit}/{period}"),
}

# The later parts of the API name their JSON routes and bodies beside their access expectations
# (access_parts.py): JSON_BODY_ROUTES and specs(f) in the same form as here.
for _part in access_parts.PARTS:
    JSON_BODY_ROUTES |= getattr(_part, "JSON_BODY_ROUTES", set())

ORG_UNIT = {"code": "str", "name_vi": "str", "name_en": "str", "type": "str", "parent": "ref",
            "leader_name": "str", "valid_from": "date", "valid_to": "date"}
DIRECTIVE = {"number": "str", "kind": "str", "issuer": "str", "issued_on": "date",
             "title_vi": "str", "url": "str"}
PLAN = {"code": "str", "title_vi": "str", "issuer": "ref", "directives": "array", "parent": "ref",
        "start": "date", "end": "date", "stages": "array", "standing_agency": "ref"}
GROUP = {"plan": "ref", "code": "str", "title_vi": "str", "order": "int", "parent": "ref"}
TASK = {"plan": "ref", "group": "ref", "code": "str", "title_vi": "str", "description": "str",
        "parent": "ref", "lead_unit": "ref", "coordinating_units": "array", "kind": "str", "assigned_on": "date",
        "start": "date", "deadline": "date", "cadence": "str", "priority": "int",
        "indicators": "array", "classified": "bool"}
INDICATOR = {"code": "str", "name_vi": "str", "factor": "num", "baseline_value": "num",
             "baseline_date": "date", "min_value": "num", "at_risk_threshold": "num",
             "responsible_unit": "ref", "numerator": "ref", "data_source": "str"}


def specs(f):
    """(method, template) -> dict(path, fields, required, refs, headers, client)."""
    u, p, t, i = f.unit, f.plan, f.task, f.indicator
    t_c1 = t[("PL", "T-C1")]
    return {
        ("POST", "/api/v1/session"): dict(
            path="/api/v1/session", client="anonymous", fields={"login": "str", "password": "str"},
            required=["login", "password"]),
        ("POST", "/api/v1/tokens"): dict(path="/api/v1/tokens", fields={"name": "str"},
                                         required=["name"]),
        ("POST", "/api/v1/users"): dict(
            path="/api/v1/users", fields={"login": "str", "password": "str", "role": "str",
                                          "unit": "ref", "display_name": "str"},
            required=["login", "password", "role", "unit"],
            refs={"unit": {"login": "new.user", "password": PASSWORD, "role": "viewer"}}),
        ("PATCH", "/api/v1/users/{id}"): dict(
            path=f"/api/v1/users/{f.user_id['viewer_c2']}",
            fields={"display_name": "str", "role": "str", "unit": "ref", "disabled": "bool",
                    "password": "str"}, refs={"unit": {}}),
        ("POST", "/api/v1/org-units"): dict(
            path="/api/v1/org-units", fields=ORG_UNIT, required=["code", "name_vi", "type"],
            refs={"parent": {"code": "NEW", "name_vi": "Mới", "type": "other"}}),
        ("PATCH", "/api/v1/org-units/{id}"): dict(path=f"/api/v1/org-units/{u['C2']}",
                                                  fields=ORG_UNIT, refs={"parent": {}}),
        ("POST", "/api/v1/directives"): dict(path="/api/v1/directives", fields=DIRECTIVE,
                                             required=["number", "title_vi"]),
        ("PATCH", "/api/v1/directives/{id}"): dict(path="/api/v1/directives/1", fields=DIRECTIVE),
        ("POST", "/api/v1/plans"): dict(
            path="/api/v1/plans", fields=PLAN,
            required=["code", "title_vi", "issuer", "standing_agency"],
            refs={"issuer": {"code": "NP", "title_vi": "Mới", "standing_agency": u["D"]},
                  "standing_agency": {"code": "NP", "title_vi": "Mới", "issuer": u["P"]},
                  "parent": {"code": "NP", "title_vi": "Mới", "issuer": u["P"],
                             "standing_agency": u["D"]}}),
        ("PATCH", "/api/v1/plans/{id}"): dict(path=f"/api/v1/plans/{p['PL']}", fields=PLAN,
                                              refs={"parent": {}, "issuer": {}}),
        ("POST", "/api/v1/task-groups"): dict(
            path="/api/v1/task-groups", fields=GROUP, required=["plan", "code", "title_vi"],
            refs={"plan": {"code": "NG", "title_vi": "Mới"},
                  "parent": {"plan": p["PL"], "code": "NG", "title_vi": "Mới"}}),
        ("PATCH", "/api/v1/task-groups/{id}"): dict(
            path=f"/api/v1/task-groups/{f.group[('PL', 'G1')]}", fields=GROUP, refs={"parent": {}}),
        ("POST", "/api/v1/tasks"): dict(
            path="/api/v1/tasks", fields=TASK,
            required=["plan", "code", "title_vi", "lead_unit", "assigned_on"],
            refs={"lead_unit": {"plan": p["PL"], "code": "NT", "title_vi": "Mới",
                                "assigned_on": "2025-01-01", "deadline": "2026-01-01"},
                  "group": {"plan": p["PL"], "code": "NT", "title_vi": "Mới", "lead_unit": u["C1"],
                            "assigned_on": "2025-01-01", "deadline": "2026-01-01"},
                  "plan": {"code": "NT", "title_vi": "Mới", "lead_unit": u["C1"],
                           "assigned_on": "2025-01-01", "deadline": "2026-01-01"}}),
        ("PATCH", "/api/v1/tasks/{id}"): dict(path=f"/api/v1/tasks/{t_c1}", fields=TASK,
                                              refs={"group": {}, "parent": {}}),
        ("POST", "/api/v1/indicators"): dict(
            path="/api/v1/indicators", fields=INDICATOR, required=["code", "name_vi"],
            refs={"responsible_unit": {"code": "NI", "name_vi": "Mới"}}),
        ("PATCH", "/api/v1/indicators/{id}"): dict(path=f"/api/v1/indicators/{i['I-DV']}",
                                                   fields=INDICATOR, refs={"responsible_unit": {}}),
        ("POST", "/api/v1/tasks/{id}/progress"): dict(
            path=f"/api/v1/tasks/{t_c1}/progress",
            fields={"on": "date", "progress_percent": "int", "difficulties": "str",
                    "proposals": "str", "period": "period", "evidence": "str"}),
        ("POST", "/api/v1/tasks/{id}/claim"): dict(
            path=f"/api/v1/tasks/{t_c1}/claim",
            fields={"on": "date", "completed_on": "date", "progress_percent": "int",
                    "evidence": "str", "evidence_files": "array"},
            required=["completed_on", "evidence"],
            refs={"evidence_files": {"completed_on": "2025-06-01"}}),
        ("POST", "/api/v1/tasks/{id}/verify"): dict(
            path=f"/api/v1/tasks/{t_c1}/verify", fields={"on": "date", "completed_on": "date"}),
        ("POST", "/api/v1/tasks/{id}/return"): dict(
            path=f"/api/v1/tasks/{t_c1}/return", fields={"on": "date", "reason": "str"},
            required=["reason"]),
        ("POST", "/api/v1/tasks/{id}/amend"): dict(
            path=f"/api/v1/tasks/{t_c1}/amend",
            fields={"on": "date", "new_deadline": "date", "new_lead_unit": "ref", "reason": "str",
                    "requested_by": "str"},
            required=["reason", "requested_by"],
            refs={"new_lead_unit": {"reason": "Đổi", "requested_by": "UBND"}}),
        ("POST", "/api/v1/tasks/{id}/cancel"): dict(
            path=f"/api/v1/tasks/{t_c1}/cancel", fields={"on": "date", "reason": "str"},
            required=["reason"]),
        ("POST", "/api/v1/tasks/{id}/comments"): dict(
            path=f"/api/v1/tasks/{t_c1}/comments", fields={"body": "str"}, required=["body"]),
        ("POST", "/api/v1/indicators/{id}/targets"): dict(
            path=f"/api/v1/indicators/{i['I-DV']}/targets",
            fields={"unit": "ref", "date": "date", "value": "num"}, required=["date", "value"],
            refs={"unit": {"date": "2027-01-01", "value": 1}}),
        ("POST", "/api/v1/data-values"): dict(
            path="/api/v1/data-values", fields={"values": "values"}, required=["values"]),
        ("PUT", "/api/v1/data-values/{indicator}/{unit}/{period}"): dict(
            path=value_path(i["I-DV"], u["C1"], "202501"),
            fields={"value": "num", "comment": "str", "state": "str"}, required=["value"]),
    }


def error_fields(r):
    return {e.get("field") for e in r.json().get("errors", [])}


class MalformedBodyTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.admin = cls.f.client("admin_p")
        cls.specs = specs(cls.f)
        for part in access_parts.PARTS:
            if hasattr(part, "specs"):
                cls.specs.update(part.specs(cls.f))
        doc = cls.f.anonymous().ok("GET", "/api/v1/openapi.json").json()
        cls.openapi_json_routes = set()
        for path, item in doc["paths"].items():
            for method, op in item.items():
                content = op.get("requestBody", {}).get("content", {}) if isinstance(op, dict) else {}
                if "application/json" in content:
                    cls.openapi_json_routes.add((method.upper(), path))

    def test_openapi_lists_the_same_json_routes(self):
        self.assertEqual(sorted(self.openapi_json_routes ^ JSON_BODY_ROUTES), [])

    def send(self, spec, method, body=None, raw=None, content_type="application/json"):
        c = self.f.anonymous() if spec.get("client") == "anonymous" else self.admin
        headers = {"Content-Type": content_type}
        if method in ("PATCH", "PUT"):
            headers["If-Match"] = "*"
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        return c.raw(method, spec["path"], data, headers)

    def expect(self, wrong, label, r, status, fields=()):
        if r.status != status:
            wrong.append(f"{label}: expected {status}, got {r.status} {r.body[:200]!r}")
            return
        missing = set(fields) - error_fields(r)
        if missing:
            wrong.append(f"{label}: errors do not name {sorted(missing)}: {r.body[:300]!r}")

    def catalog(self, method, template):
        spec = self.specs[(method, template)]
        wrong = []
        self.expect(wrong, "bad JSON", self.send(spec, method, raw=b'{"a": '), 400)
        self.expect(wrong, "trailing garbage", self.send(spec, method, raw=b'{} x'), 400)
        # The bulk ingest's own lexer reads the token and refuses the unknown field instead.
        self.expect(wrong, "number beyond a double",
                    self.send(spec, method, raw=b'{"zzz": 3E33337328}'),
                    422 if template == "/api/v1/data-values" else 400)
        self.expect(wrong, "text/plain", self.send(spec, method, {}, content_type="text/plain"), 415)
        self.expect(wrong, "invalid UTF-8", self.send(spec, method, raw=b'{"zzz": "\xff\xfe"}'), 400)
        big = json.dumps({"zzz": "a" * (3 * 1024 * 1024 // 2)}).encode()
        self.expect(wrong, "1.5 MiB", self.send(spec, method, raw=big), 413)
        self.expect(wrong, "array body", self.send(spec, method, []), 422)
        self.expect(wrong, "number body", self.send(spec, method, 3), 422)
        if spec.get("required"):
            self.expect(wrong, "missing required", self.send(spec, method, {}), 422, spec["required"])
        self.expect(wrong, "unknown field", self.send(spec, method, {"zzz_unknown": 1}), 422,
                    ["zzz_unknown"])
        for field, kind in spec["fields"].items():
            self.expect(wrong, f"{field} wrong type",
                        self.send(spec, method, {field: WRONG_TYPE[kind]}), 422, [field])
            if kind == "str":
                continue
            if kind == "date":
                for bad in BAD_DATES:
                    self.expect(wrong, f"{field}={bad}", self.send(spec, method, {field: bad}), 422,
                                [field])
            if kind == "period":
                for bad in BAD_PERIODS:
                    self.expect(wrong, f"{field}={bad}", self.send(spec, method, {field: bad}), 422,
                                [field])
        for field, base in spec.get("refs", {}).items():
            value = [999999] if spec["fields"][field] == "array" else 999999
            self.expect(wrong, f"{field} unknown id",
                        self.send(spec, method, dict(base, **{field: value})), 422, [field])
        if template == "/api/v1/data-values":
            dv, c1 = self.f.indicator["I-DV"], self.f.unit["C1"]
            item = {"indicator": dv, "unit": c1, "period": "202601", "value": 1}
            for bad, field in [({"value": "x"}, "values[1].value"),
                               ({"period": "2025Q5"}, "values[1].period"),
                               ({"period": "202513"}, "values[1].period"),
                               ({"indicator": 999999}, "values[1].indicator"),
                               ({"unit": 999999}, "values[1].unit"),
                               ({"zzz": 1}, "values[1].zzz")]:
                self.expect(wrong, f"batch {field}",
                            self.send(spec, method, {"values": [item, dict(item, **bad)]}), 422, [field])
            self.expect(wrong, "empty batch", self.send(spec, method, {"values": []}), 422, ["values"])
        self.assertEqual(wrong, [], f"{method} {template}")

    def fingerprint_unchanged(self, method, template):
        before = self.f.fingerprint()
        try:
            self.catalog(method, template)
        finally:
            self.assertEqual(self.f.fingerprint(), before, f"{method} {template} changed the database")


def _add_body_tests():
    for method, template in sorted(JSON_BODY_ROUTES):
        name = "test_body_" + method.lower() + "_" + "".join(
            ch if ch.isalnum() else "_" for ch in template.strip("/"))

        def test(self, method=method, template=template):
            self.fingerprint_unchanged(method, template)

        setattr(MalformedBodyTest, name, test)


_add_body_tests()


class PathAndQueryTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.admin = cls.f.client("admin_p")
        doc = cls.f.anonymous().ok("GET", "/api/v1/openapi.json").json()
        cls.routes = sorted((m.upper(), p) for p, item in doc["paths"].items() for m in item
                            if m in ("get", "post", "put", "patch", "delete"))

    def test_unknown_ids_in_paths_are_404(self):
        before = self.f.fingerprint()
        good = {"{id}": "1", "{indicator}": str(self.f.indicator["I-DV"]),
                "{unit}": str(self.f.unit["C1"]), "{period}": "202501"}
        wrong = []
        for method, template in self.routes:
            params = [p for p in good if p in template]
            for param in params:
                for bad in (("999999" if param != "{period}" else "2099Q9"), "abc", "-1"):
                    path = template
                    for other in params:
                        path = path.replace(other, bad if other == param else good[other])
                    headers = {"If-Match": "*"}
                    body = None
                    if template.endswith("/evidence") and method == "POST":
                        headers["Content-Type"] = "application/pdf"
                        body = harness.PDF_BYTES
                    elif method in ("POST", "PUT", "PATCH"):
                        headers["Content-Type"] = "application/json"
                        body = self.valid_body(template)
                    r = self.admin.raw(method, path, body, headers)
                    if r.status != 404:
                        wrong.append(f"{method} {path}: {r.status} {r.body[:160]!r}")
        self.assertEqual(wrong, [])
        self.assertEqual(self.f.fingerprint(), before)

    def valid_body(self, template):
        bodies = {
            "/api/v1/data-values/{indicator}/{unit}/{period}": {"value": 3},
            "/api/v1/indicators/{id}/targets": {"date": "2027-01-01", "value": 1},
            "/api/v1/tasks/{id}/progress": {"progress_percent": 10},
            "/api/v1/tasks/{id}/claim": {"completed_on": "2025-06-01", "evidence": "https://x.org"},
            "/api/v1/tasks/{id}/return": {"reason": "r"},
            "/api/v1/tasks/{id}/comments": {"body": "Ý kiến"},
            "/api/v1/tasks/{id}/cancel": {"reason": "r"},
            "/api/v1/tasks/{id}/amend": {"new_deadline": "2028-01-01", "reason": "r",
                                         "requested_by": "x"},
        }
        for part in access_parts.PARTS:
            bodies.update(getattr(part, "VALID_BODIES", {}))
        return json.dumps(bodies.get(template, {"title_en": "x"} if "users" not in template
                                     else {"display_name": "x"})).encode()

    def query_catalog(self):
        f = self.f
        task = f.task[("PL", "T-C1")]
        ind = f.indicator["I-DV"]
        key = value_path(ind, f.unit["C1"], "202501")
        paged = ["/api/v1/org-units", "/api/v1/directives", "/api/v1/plans", "/api/v1/task-groups",
                 "/api/v1/tasks", "/api/v1/indicators", "/api/v1/data-values"]
        cases = []  # (path with query, field the error must name or None)
        lists = paged + ["/api/v1/users", "/api/v1/tokens", f"/api/v1/tasks/{task}/events",
                         f"/api/v1/tasks/{task}/evidence", f"/api/v1/tasks/{task}/comments",
                         f"/api/v1/indicators/{ind}/targets",
                         key + "/history", "/api/v1/analytics/tasks?plan=PL",
                         "/api/v1/analytics/indicators"]
        for base in lists:
            sep = "&" if "?" in base else "?"
            cases.append((f"{base}{sep}zzz_unknown=1", "zzz_unknown"))
        for base in paged:
            for bad in ("0", "-1", "x", "100000"):
                cases.append((f"{base}?limit={bad}", "limit"))
            cases.append((f"{base}?offset=-1", "offset"))
            cases.append((f"{base}?limit=1&limit=2", "limit"))
        for base in paged[:-1]:
            cases.append((f"{base}?sort=zzz", "sort"))
        for bad in ("2025-02-30", "31/12/2025"):
            cases.append((f"/api/v1/tasks?as_of={bad}", "as_of"))
            cases.append((f"/api/v1/tasks?deadline_from={bad}", "deadline_from"))
            cases.append((f"/api/v1/tasks?deadline_to={bad}", "deadline_to"))
            cases.append((f"/api/v1/org-units?active_on={bad}", "active_on"))
            cases.append((f"/api/v1/analytics/tasks?plan=PL&as_of={bad}", "as_of"))
        for bad in ("2025Q5", "202513"):
            cases.append((f"/api/v1/data-values?periods={bad}", "periods"))
            cases.append((f"/api/v1/analytics/indicators?periods={bad}", "periods"))
        cases += [("/api/v1/tasks?subtree=maybe", "subtree"), ("/api/v1/tasks?status=zzz", "status"),
                  ("/api/v1/tasks?lead_unit=x", "lead_unit"), ("/api/v1/data-values?unit=x", "unit"),
                  ("/api/v1/data-values?state=zzz", "state"),
                  ("/api/v1/analytics/tasks", "plan"),
                  ("/api/v1/analytics/tasks?plan=PL&group_by=zzz", "group_by"),
                  ("/api/v1/analytics/tasks?plan=PL&claimed=maybe", "claimed"),
                  ("/api/v1/analytics/indicators?by=zzz", "by"),
                  ("/api/v1/tasks?q=%ZZ", None), ("/api/v1/tasks?q=%FF", None)]
        # DHIS2 data value sets: codes only, dates in pairs, flags true|false.
        dvs = "/api/v1/exports/dataValueSets.json"
        cases += [(f"{dvs}?zzz_unknown=1", "zzz_unknown"), (f"{dvs}?idScheme=uid", "idScheme"),
                  (f"{dvs}?dataElementIdScheme=name", "dataElementIdScheme"),
                  (f"{dvs}?orgUnitIdScheme=UID", "orgUnitIdScheme"),
                  (f"{dvs}?children=maybe", "children"), (f"{dvs}?period=2025Q5", "period"),
                  (f"{dvs}?dataElement=I-DV,,I-P", "dataElement"),
                  (f"{dvs}?startDate=2025-01-01", "endDate"),
                  (f"{dvs}?startDate=2025-02-30&endDate=2025-03-01", "startDate"),
                  (f"{dvs}?startDate=2025-03-01&endDate=2025-01-01", "endDate"),
                  (f"{dvs}?period=2025&startDate=2025-01-01&endDate=2025-12-31", "period"),
                  (f"{dvs}?orgUnit=C1&orgUnit=C2", "orgUnit"),
                  ("/api/v1/exports/indicators.xlsx?plan=PL&year=0", "year"),
                  ("/api/v1/exports/indicators.xlsx?plan=PL&zzz_unknown=1", "zzz_unknown")]
        # Records in the import format: known kinds only, each once; the CSV needs its kind.
        cases += [("/api/v1/exports/records.xlsx?kinds=tasks,zzz", "kinds"),
                  ("/api/v1/exports/records.xlsx?kinds=tasks,tasks", "kinds"),
                  ("/api/v1/exports/records.xlsx?kind=tasks", "kind"),
                  ("/api/v1/exports/records.csv", "kind"),
                  ("/api/v1/exports/records.csv?kind=zzz", "kind"),
                  ("/api/v1/exports/records.csv?kind=tasks&zzz_unknown=1", "zzz_unknown")]
        # Open data: the files take no parameters, except diff.json its from and to (required
        # version numbers); checked before the dataset is looked up.
        for base in ("/open/catalog.jsonld", "/open/datasets.json", "/open/datasets/plan-pl.csv",
                     "/open/datasets/plan-pl/v1.json", "/open/datasets/plan-pl/versions.json"):
            cases.append((f"{base}?zzz_unknown=1", "zzz_unknown"))
        diff = "/open/datasets/plan-pl/diff.json"
        cases += [(diff, "from"), (f"{diff}?from=1", "to"), (f"{diff}?from=x&to=2", "from"),
                  (f"{diff}?from=1&to=-2", "to"), (f"{diff}?from=0&to=1", "from"),
                  (f"{diff}?from=1&to=2&zzz_unknown=1", "zzz_unknown"),
                  (f"{diff}?from=1&to=2&to=3", "to")]
        # Publications (signed in): limit and offset only.
        pubs = "/api/v1/publications"
        cases += [(f"{pubs}?limit={bad}", "limit") for bad in ("0", "-1", "x", "100000")]
        cases += [(f"{pubs}?offset=-1", "offset"), (f"{pubs}?limit=1&limit=2", "limit"),
                  (f"{pubs}?zzz_unknown=1", "zzz_unknown")]
        return cases

    def test_bad_query_strings_are_400(self):
        wrong = []
        for path, field in self.query_catalog():
            r = self.admin.get(path)
            if r.status != 400:
                wrong.append(f"GET {path}: expected 400, got {r.status} {r.body[:160]!r}")
            elif field is not None and field not in error_fields(r):
                wrong.append(f"GET {path}: errors do not name {field}: {r.body[:200]!r}")
        self.assertEqual(wrong, [])

    def test_bad_ckan_parameters_are_400_in_ckans_shape(self):
        """CKAN's action API answers in CKAN's own error shape (not a problem document): the
        offending parameter is a key of "error"."""
        before = self.f.fingerprint()
        cases = [("package_search?rows=1001", "rows"), ("package_search?rows=x", "rows"),
                 ("package_search?rows=", "rows"), ("package_search?start=-1", "start"),
                 ("package_search?sort=zzz", "sort"), ("package_search?fq=zzz:1", "fq"),
                 ("package_search?fq=tags:%22open", "fq"), ("package_search?fq=nocolon", "fq"),
                 ("package_search?fq=metadata_modified:[x%20TO%20*]", "fq"),
                 ("package_search?zzz_unknown=1", "zzz_unknown"),
                 ("package_list?limit=-1", "limit"), ("package_list?offset=x", "offset"),
                 ("package_list?zzz_unknown=1", "zzz_unknown"), ("package_show", "id"),
                 ("package_show?id=", "id"), ("package_show?id=x&zzz_unknown=1", "zzz_unknown"),
                 ("organization_list?all_fields=maybe", "all_fields"),
                 ("organization_list?zzz_unknown=1", "zzz_unknown")]
        anon = self.f.anonymous()
        wrong = []
        for query, field in cases:
            r = anon.get(f"/api/3/action/{query}", check=False)
            try:
                body = r.json()
            except ValueError:
                body = {}
            error = body.get("error") or {}
            if (r.status != 400 or r.header("Content-Type") != "application/json; charset=utf-8"
                    or body.get("success") is not False
                    or error.get("__type") != "Validation Error" or field not in error):
                wrong.append(f"GET /api/3/action/{query}: {r.status} {r.body[:200]!r}")
        self.assertEqual(wrong, [])
        self.assertEqual(self.f.fingerprint(), before)

    def raw_exchange(self, data):
        with socket.create_connection(("127.0.0.1", self.f.port), timeout=10) as s:
            s.sendall(data)
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)

    def status_of(self, raw):
        head, _, body = raw.partition(b"\r\n\r\n")
        line = head.split(b"\r\n")[0].decode(errors="replace")
        return int(line.split(" ")[1]) if line.startswith("HTTP/1.") else None, head, body

    def test_header_section_over_16_kib_is_431(self):
        raw = self.raw_exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 17000 +
                                b"\r\nConnection: close\r\n\r\n")
        status, head, body = self.status_of(raw)
        self.assertEqual(status, 431, raw[:300])
        self.assertIn(b"application/problem+json", head)
        self.assertEqual(json.loads(body.decode())["status"], 431)

    def test_garbage_request_line_is_400(self):
        for line in (b"HELLO\r\n\r\n", b"GET\r\n\r\n", b"GET /healthz HTTP/9.9\r\n\r\n",
                     b"\x00\x01\x02 / HTTP/1.1\r\n\r\n"):
            raw = self.raw_exchange(line)
            status, head, body = self.status_of(raw)
            self.assertIn(status, (400, 505), (line, raw[:300]))
            if status == 400:
                self.assertIn(b"application/problem+json", head)

    def test_missing_auth_is_401_on_every_non_public_route(self):
        anon = self.f.anonymous()
        public = {("GET", "/"), ("GET", "/healthz"), ("GET", "/metrics"), ("GET", "/api/v1/openapi.json"),
                  ("POST", "/api/v1/session")}
        for part in access_parts.PARTS:
            public |= getattr(part, "PUBLIC_ROUTES", set())
        wrong = []
        for method, template in self.routes:
            if (method, template) in public:
                continue
            path = (template.replace("{indicator}", str(self.f.indicator["I-DV"]))
                    .replace("{unit}", str(self.f.unit["C1"])).replace("{period}", "202501")
                    .replace("{id}", "1"))
            r = anon.call(method, path, {} if method in ("POST", "PUT", "PATCH") else None)
            if r.status != 401 or r.json()["type"] != "urn:planwatch:problem:unauthenticated":
                wrong.append(f"{method} {path}: {r.status}")
            bad_token = harness.Client(self.f.port)
            bad_token.bearer = "pwt_not-a-real-token"
            r = bad_token.call(method, path, {} if method in ("POST", "PUT", "PATCH") else None)
            if r.status != 401:
                wrong.append(f"{method} {path} with a bad token: {r.status}")
        self.assertEqual(wrong, [])


if __name__ == "__main__":
    harness.main()
