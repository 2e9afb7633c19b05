"""DHIS2 exchange against the demo province: GET /api/v1/exports/dataValueSets.json and the round
trip through POST /api/v1/data-values into a second, empty database.

The round trip: export every value of the demo; build a new database holding only the demo's
metadata (units, indicators, targets through `planwatch export` → `planwatch import`); post the
data value set there; then the indicator analytics of both servers must be identical for the root,
the province and every department, for each year and quarter that has values, and exporting the
new server gives back the same data value set.
"""

import json
import os
import shutil
import tempfile
import unittest
import urllib.parse

import harness

DEMO = harness.DEMO_DIR
EXPORT = "/api/v1/exports/dataValueSets.json"
METADATA = ["units", "indicators", "targets"]


class Instance:
    """A database in its own directory and its server: the demo province with
    harness.DEMO_USERS, or a new empty database."""

    def __init__(self, demo):
        self.dir = tempfile.mkdtemp(prefix="pw-dhis2-")
        self.db = (harness.demo_database(self.dir) if demo else
                   harness.new_database(self.dir, "pw.db"))
        self.server = None
        self._clients = {}

    def start(self):
        self.server = harness.Server(self.db, self.dir)

    def client(self, login):
        if login not in self._clients:
            self._clients[login] = harness.Client(self.server.port).login(login)
        return self._clients[login]

    def close(self):
        code = self.server.stop(timeout=180) if self.server else 0
        stderr = self.server.stderr() if self.server else ""
        shutil.rmtree(self.dir, ignore_errors=True)
        if code != 0:
            raise AssertionError(f"server exit code {code}; stderr:\n{stderr}")


_source = None


def setUpModule():
    global _source
    _source = Instance(demo=True)
    _source.start()


def tearDownModule():
    global _source
    s, _source = _source, None
    if s is not None:
        s.close()


def comparable(doc):
    """The data values as a sorted list, without the stamps that differ between databases."""
    out = []
    for v in doc["dataValues"]:
        v = {k: x for k, x in v.items() if k not in ("lastUpdated", "created", "storedBy")}
        out.append(json.dumps(v, sort_keys=True, ensure_ascii=False))
    return sorted(out)


def quarter_of(period):
    year = period[:4]
    rest = period[4:]
    if rest.startswith("Q"):
        return period
    if len(rest) == 2 and rest.isdigit():
        return f"{year}Q{(int(rest) - 1) // 3 + 1}"
    return None


class RoundTripTest(unittest.TestCase):
    def test_export_import_and_analytics_agree(self):
        admin = _source.client("admin_vn")
        r = admin.ok("GET", EXPORT + "?idScheme=code&dataElementIdScheme=CODE&orgUnitIdScheme=code")
        self.assertEqual(r.header("Content-Disposition"), 'attachment; filename="dataValueSets.json"')
        self.assertEqual(r.header("Content-Type"), "application/json; charset=utf-8")
        first = r.json()
        self.assertEqual(list(first), ["dataValues"])
        with open(os.path.join(DEMO, "data-values.csv"), encoding="utf-8") as f:
            demo_rows = sum(1 for _ in f) - 1
        self.assertEqual(len(first["dataValues"]), demo_rows)
        sample = first["dataValues"][0]
        self.assertEqual(sorted(sample), sorted(["dataElement", "period", "orgUnit", "value",
                                                 "storedBy", "lastUpdated", "created", "comment",
                                                 "followup"]))
        self.assertIs(sample["followup"], False)
        for v in first["dataValues"]:
            self.assertIsInstance(v["value"], str)
            self.assertNotIn("e", v["value"].lower(), v)
            self.assertNotIn(",", v["value"], v)

        target = Instance(demo=False)
        try:
            harness.run_cli("init", "--db", target.db)
            for kind in METADATA:
                path = os.path.join(target.dir, f"{kind}.csv")
                with open(path, "wb") as f:
                    f.write(harness.run_cli("export", "--db", _source.db, "--kind", kind))
                harness.run_cli("import", "--db", target.db, "--kind", kind, path)
            harness.add_users(target.db, {"admin_vn": ("admin", "VN")}, name=lambda login: login)
            target.start()
            new_admin = target.client("admin_vn")
            body = json.dumps(first, ensure_ascii=False).encode("utf-8")

            dry = new_admin.raw("POST", "/api/v1/data-values?dryRun=true&idScheme=code", body,
                                {"Content-Type": "application/json"})
            self.assertEqual(dry.status, 200, dry.body[:500])
            self.assertEqual(dry.json(), {"written": 0, "dry_run": True,
                                          "would_write": demo_rows})
            self.assertEqual(new_admin.ok("GET", EXPORT).json(), {"dataValues": []})

            wet = new_admin.raw("POST", "/api/v1/data-values?dataElementIdScheme=code"
                                "&orgUnitIdScheme=code", body, {"Content-Type": "application/json"})
            self.assertEqual(wet.status, 200, wet.body[:500])
            self.assertEqual(wet.json(), {"written": demo_rows})

            second = new_admin.ok("GET", EXPORT).json()
            self.assertEqual(comparable(second), comparable(first))

            units = admin.ok("GET", "/api/v1/org-units?limit=1000").json()["items"]
            compared_units = [u["code"] for u in units
                              if u.get("parent") is None or u["type"] in ("province", "department")]
            self.assertIn("VN", compared_units)
            self.assertIn("SL", compared_units)
            self.assertGreaterEqual(len(compared_units), 10)
            periods = set()
            for v in first["dataValues"]:
                periods.add(v["period"][:4])
                if quarter := quarter_of(v["period"]):
                    periods.add(quarter)
            self.assertIn("2025", periods)
            self.assertIn("2025Q3", periods)
            compared = 0
            for unit in compared_units:
                for period in sorted(periods):
                    path = ("/api/v1/analytics/indicators?unit=" + urllib.parse.quote(unit, safe="")
                            + "&periods=" + period)
                    a = admin.ok("GET", path).json()
                    b = new_admin.ok("GET", path).json()
                    self.assertEqual(a, b, f"{unit} {period}")
                    compared += len(a["rows"])
            with_values = sum(1 for u in compared_units for p in ["2025"]
                              for row in admin.ok(
                                  "GET", "/api/v1/analytics/indicators?unit="
                                  + urllib.parse.quote(u, safe="") + "&periods=" + p).json()["rows"]
                              if row["value"] is not None)
            self.assertGreater(with_values, 10)
            self.assertGreater(compared, 100)
        finally:
            target.close()


class ExportTest(unittest.TestCase):
    def test_filters(self):
        admin = _source.client("admin_vn")
        doc = admin.ok("GET", EXPORT + "?dataElement=OPEN_DATASETS&orgUnit=SL-SKHCN"
                       "&period=202503,202504").json()
        self.assertEqual([(v["dataElement"], v["orgUnit"], v["period"], v["value"])
                          for v in doc["dataValues"]],
                         [("OPEN_DATASETS", "SL-SKHCN", "202503", "410"),
                          ("OPEN_DATASETS", "SL-SKHCN", "202504", "435")])
        ranged = admin.ok("GET", EXPORT + "?dataElement=OPEN_DATASETS&orgUnit=SL-SKHCN"
                          "&startDate=2025-03-01&endDate=2025-04-30").json()
        self.assertEqual(ranged, doc)
        subtree = admin.ok("GET", EXPORT + "?orgUnit=SL&children=true").json()["dataValues"]
        everything = admin.ok("GET", EXPORT).json()["dataValues"]
        self.assertEqual(len(subtree), len(everything))
        only_sl = admin.ok("GET", EXPORT + "?orgUnit=SL").json()["dataValues"]
        self.assertTrue(all(v["orgUnit"] == "SL" for v in only_sl))
        self.assertLess(len(only_sl), len(subtree))

    def test_scope(self):
        leader = _source.client("leader_chiengan")
        own = leader.ok("GET", EXPORT).json()["dataValues"]
        self.assertTrue(own)
        self.assertEqual({v["orgUnit"] for v in own}, {"SL-W-CHIENGAN"})
        r = leader.get(EXPORT + "?orgUnit=SL")
        self.assertEqual(r.status, 403)
        self.assertIn("'SL'", r.json()["detail"])
        self.assertEqual(_source.client("viewer_sl").ok("GET", EXPORT).json(),
                         _source.client("admin_vn").ok("GET", EXPORT).json())
        self.assertEqual(harness.Client(_source.server.port).get(EXPORT).status, 401)

    def test_bad_parameters(self):
        admin = _source.client("admin_vn")
        for query, field, status in [("idScheme=uid", "idScheme", 400),
                                     ("orgUnitIdScheme=name", "orgUnitIdScheme", 400),
                                     ("startDate=2025-01-01", "endDate", 400),
                                     ("period=2025W1", "period", 400),
                                     ("children=maybe", "children", 400),
                                     ("format=xml", "format", 400)]:
            r = admin.get(f"{EXPORT}?{query}")
            self.assertEqual(r.status, status, query)
            self.assertEqual([e["field"] for e in r.json()["errors"]], [field], query)
        r = admin.get(EXPORT + "?dataElement=NO_SUCH")
        self.assertEqual(r.status, 404)
        self.assertIn("NO_SUCH", r.json()["detail"])

    def test_import_refuses_other_id_schemes(self):
        admin = _source.client("admin_vn")
        body = json.dumps({"dataValues": [{"dataElement": "OPEN_DATASETS", "orgUnit": "SL-SKHCN",
                                           "period": "202503", "value": "1"}]}).encode()
        for query, field in [("idScheme=uid", "idScheme"),
                             ("dataElementIdScheme=NAME", "dataElementIdScheme"),
                             ("dryRun=yes", "dryRun"), ("importStrategy=CREATE", "importStrategy")]:
            r = admin.raw("POST", "/api/v1/data-values?" + query, body,
                          {"Content-Type": "application/json"})
            self.assertEqual(r.status, 400, query)
            self.assertEqual([e["field"] for e in r.json()["errors"]], [field], query)
        still = admin.ok("GET", EXPORT + "?dataElement=OPEN_DATASETS&orgUnit=SL-SKHCN"
                         "&period=202503").json()["dataValues"]
        self.assertEqual([v["value"] for v in still], ["410"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
