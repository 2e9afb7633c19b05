"""The open-data API against the demo province, as a CKAN harvester and a DCAT reader see it:
signed out, package_list → package_show for every dataset → every resource downloaded and parsed
(CSV with the csv module, JSON with json) with as many rows as declared; the DCAT catalogue lists
the same datasets and every distribution URL answers. Everything read is then searched for the
titles of the classified tasks and of the plans and indicators that are not published: none may
appear. Then versions and diffs, withdrawal, ETag/304 and the errors of both API styles.
"""

import csv
import io
import json
import unittest
import urllib.parse

import harness
import test_scorecards as sc
from test_scorecards import PLAN

_demo = None


def setUpModule():
    global _demo
    _demo = sc.DemoServer()


def tearDownModule():
    global _demo
    d, _demo = _demo, None
    if d is not None:
        d.close()


def anonymous():
    return harness.Client(_demo.port)


def ckan(client, action, **params):
    """A CKAN action's answer (CKAN's errors are not problem documents: unchecked)."""
    query = urllib.parse.urlencode(params)
    return client.get(f"/api/3/action/{action}" + (f"?{query}" if query else ""), check=False)


def local_path(url):
    """The path of an absolute URL of this server (its Host header made it)."""
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == f"127.0.0.1:{_demo.port}", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def extra(package, key):
    return {e["key"]: e["value"] for e in package["extras"]}[key]


def ensure_publications():
    """The demo publishes at load; a demo database without publications gets some of the same
    here (the plan, its 2025 scorecards and two indicators), published by an admin."""
    if ckan(anonymous(), "package_list").json()["result"]:
        return
    admin = _demo.client("admin_vn")
    for body in ({"kind": "plan", "subject": PLAN},
                 {"kind": "scorecards", "subject": PLAN, "period": "2025"},
                 {"kind": "indicator", "subject": "OPEN_DATASETS"},
                 {"kind": "indicator", "subject": "PUBLIC_SIGNATURES"}):
        admin.ok("POST", "/api/v1/publications", body, expect=201)


class HarvestTest(unittest.TestCase):
    """One harvest in setUpClass; every body read is kept in `output`."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        ensure_publications()
        cls.anon = anonymous()
        cls.output = []
        cls.files = {}  # (name, format) -> parsed rows
        r = ckan(cls.anon, "package_list")
        assert r.status == 200, r
        cls.output.append(r.body)
        cls.names = r.json()["result"]
        cls.packages = {}
        for name in cls.names:
            r = ckan(cls.anon, "package_show", id=name)
            assert r.status == 200, (name, r)
            cls.output.append(r.body)
            cls.packages[name] = r.json()["result"]
        cls.downloads = {}
        for name, package in cls.packages.items():
            for resource in package["resources"]:
                r = cls.anon.get(local_path(resource["url"]))
                cls.output.append(r.body)
                cls.downloads[(name, resource["format"])] = (resource, r)
        r = cls.anon.get("/open/catalog.jsonld")
        assert r.status == 200, r
        cls.output.append(r.body)
        cls.catalog = r.json()
        cls.distribution_answers = {}
        for dataset in cls.catalog["dcat:dataset"]:
            for dist in dataset["dcat:distribution"]:
                for key in ("dcat:downloadURL", "dcat:accessURL"):
                    url = dist[key]["@id"]
                    r = cls.anon.get(local_path(url))
                    cls.output.append(r.body)
                    cls.distribution_answers[url] = r
        for path in ("/open/datasets.json", "/api/3/action/organization_list?all_fields=true",
                     "/api/3/action/package_search?rows=1000"):
            r = cls.anon.get(path)
            assert r.status == 200, (path, r)
            cls.output.append(r.body)
        for name in cls.names:
            r = cls.anon.get(f"/open/datasets/{name}/versions.json")
            assert r.status == 200, (name, r)
            cls.output.append(r.body)

    def test_package_list_names_the_published_datasets_sorted(self):
        self.assertEqual(self.names, sorted(self.names))
        kinds = {extra(p, "kind") for p in self.packages.values()}
        self.assertTrue({"plan", "scorecards", "indicator"} <= kinds, kinds)
        self.assertIn("plan-333-kh-tu", self.names)  # 333-KH/TU, slugged

    def test_every_package_has_ckan_shape(self):
        for name, p in self.packages.items():
            with self.subTest(name=name):
                self.assertEqual(p["name"], name)
                self.assertEqual(p["state"], "active")
                self.assertIs(p["private"], False)
                self.assertEqual(p["url"], f"http://127.0.0.1:{_demo.port}/cong-khai/du-lieu/{name}")
                self.assertEqual(p["owner_org"], p["organization"]["id"])
                self.assertEqual([r["format"] for r in p["resources"]], ["CSV", "JSON"])
                self.assertEqual({r["package_id"] for r in p["resources"]}, {p["id"]})
                self.assertRegex(p["metadata_modified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")
                self.assertTrue(p["title"])
                # package_show also takes the package id.
                r = ckan(self.anon, "package_show", id=p["id"])
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json()["result"]["name"], name)

    def test_every_resource_downloads_in_its_format_with_its_rows(self):
        self.assertEqual(len(self.downloads), 2 * len(self.names))
        for (name, fmt), (resource, r) in self.downloads.items():
            with self.subTest(name=name, format=fmt):
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.header("Content-Type").split(";")[0], resource["mimetype"])
                self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")
                self.assertEqual(r.header("Cache-Control"), "public, no-cache")
                declared = int(extra(self.packages[name], "row_count"))
                version = self.packages[name]["version"]
                if fmt == "CSV":
                    self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"), r.body[:10])
                    table = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
                    self.assertEqual(len(table) - 1, declared)
                    self.assertEqual(r.header("Content-Disposition"),
                                     f'attachment; filename="{name}-v{version}.csv"')
                    self.files[(name, "CSV")] = table
                else:
                    doc = r.json()
                    self.assertEqual(doc["name"], name)
                    self.assertEqual(str(doc["version"]), version)
                    self.assertEqual(doc["row_count"], declared)
                    self.assertEqual(len(doc["rows"]), declared)
                    self.files[(name, "JSON")] = doc
        for name in self.names:
            doc = self.files[(name, "JSON")]
            table = self.files[(name, "CSV")]
            self.assertEqual(table[0], [c["name"] for c in doc["columns"]])

    def test_the_catalogue_lists_the_same_datasets_and_every_distribution_answers(self):
        self.assertEqual(self.catalog["@type"], "dcat:Catalog")
        for prefix in ("dcat", "dct", "foaf", "vcard", "xsd"):
            self.assertIn(prefix, self.catalog["@context"])
        self.assertEqual(sorted(d["dct:identifier"] for d in self.catalog["dcat:dataset"]),
                         self.names)
        for dataset in self.catalog["dcat:dataset"]:
            name = dataset["dct:identifier"]
            self.assertEqual(dataset["owl:versionInfo"], self.packages[name]["version"])
            self.assertEqual({v["@language"] for v in dataset["dct:title"]}, {"vi", "en"})
            self.assertEqual(dataset["dct:modified"]["@type"], "xsd:dateTime")
            self.assertEqual(len(dataset["dcat:distribution"]), 2)
        self.assertEqual(len(self.distribution_answers), 4 * len(self.names))
        for url, r in self.distribution_answers.items():
            self.assertEqual(r.status, 200, url)

    def test_nothing_classified_or_unpublished_appears_anywhere(self):
        admin = _demo.client("admin_vn")
        tasks = admin.ok("GET", "/api/v1/tasks?limit=1000").json()["items"]
        classified = [t for t in tasks if t["classified"]]
        self.assertGreaterEqual(len(classified), 1)
        subjects = {(extra(p, "kind"), extra(p, "subject")) for p in self.packages.values()}
        plans = admin.ok("GET", "/api/v1/plans?limit=1000").json()["items"]
        unpublished_plans = [p for p in plans
                             if not any(s == p["code"] for _, s in subjects)]
        indicators = admin.ok("GET", "/api/v1/indicators?limit=1000").json()["items"]
        unpublished_indicators = [i for i in indicators if ("indicator", i["code"]) not in subjects]
        self.assertGreaterEqual(len(unpublished_plans) + len(unpublished_indicators), 1)
        secrets = set()
        for t in classified:
            secrets |= {t["title_vi"], t.get("title_en") or ""}
        for p in unpublished_plans:
            secrets |= {p["title_vi"], p.get("title_en") or ""}
        for i in unpublished_indicators:
            secrets |= {i["name_vi"], i.get("name_en") or ""}
        secrets.discard("")
        # Bodies as text, and as their JSON strings unescaped (\uXXXX, \/).
        texts = []
        for body in self.output:
            text = body.decode("utf-8-sig")
            texts.append(text)
            try:
                texts.append(json.dumps(json.loads(text), ensure_ascii=False))
            except ValueError:
                pass
        leaks = sorted(s for s in secrets if any(s in text for text in texts))
        self.assertEqual(leaks, [])


class VersionsTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        ensure_publications()
        cls.anon = anonymous()
        cls.agency = _demo.client("agency_dst")
        cls.admin = _demo.client("admin_vn")

    def plan_dataset(self):
        names = ckan(self.anon, "package_list").json()["result"]
        for name in names:
            p = ckan(self.anon, "package_show", id=name).json()["result"]
            if extra(p, "kind") == "plan" and extra(p, "subject") == PLAN:
                return p
        self.fail("the demo plan is not published")

    def test_a_new_version_diffs_exactly_the_change(self):
        before = self.plan_dataset()
        name = before["name"]
        old = self.anon.ok("GET", f"/open/datasets/{name}.json").json()
        columns = [c["name"] for c in old["columns"]]
        progress = columns.index("progress_percent")
        status = columns.index("status")
        codes = {row[0]: row for row in old["rows"]}
        tasks = self.admin.ok("GET", "/api/v1/tasks?limit=1000&plan="
                              f"{_demo.plan_id[PLAN]}").json()["items"]
        target = next(t for t in tasks
                      if t["code"] in codes and not t["classified"] and t["kind"] == "deadline"
                      and codes[t["code"]][status] in ("in_progress_on_time", "overdue")
                      and (codes[t["code"]][progress] or 0) < 90)
        new_progress = (codes[target["code"]][progress] or 0) + 7
        self.admin.ok("POST", f"/api/v1/tasks/{target['id']}/progress",
                      {"progress_percent": new_progress})
        r = self.agency.ok("POST", "/api/v1/publications", {"kind": "plan", "subject": PLAN},
                           expect=201)
        v_old, v_new = old["version"], r.json()["version"]
        self.assertEqual(v_new, v_old + 1)

        diff = self.anon.ok("GET", f"/open/datasets/{name}/diff.json?from={v_old}&to={v_new}").json()
        after_row = list(codes[target["code"]])
        after_row[progress] = new_progress
        self.assertEqual(diff["name"], name)
        self.assertEqual((diff["from"], diff["to"]), (v_old, v_new))
        self.assertEqual(diff["added"], [])
        self.assertEqual(diff["removed"], [])
        self.assertEqual(diff["changed"], [{"key": [target["code"]], "columns": ["progress_percent"],
                                            "before": codes[target["code"]], "after": after_row}])
        # The old version stays as it was; the latest is the new one.
        self.assertEqual(self.anon.ok("GET", f"/open/datasets/{name}/v{v_old}.json").json()["rows"],
                         old["rows"])
        latest = self.anon.ok("GET", f"/open/datasets/{name}.json").json()
        self.assertEqual(latest["version"], v_new)
        versions = self.anon.ok("GET", f"/open/datasets/{name}/versions.json").json()
        self.assertEqual(versions["name"], name)
        self.assertEqual([v["version"] for v in versions["versions"]], list(range(1, v_new + 1)))
        self.assertEqual(ckan(self.anon, "package_show", id=name).json()["result"]["version"],
                         str(v_new))

    def publish_an_unpublished_indicator(self):
        published = {extra(ckan(self.anon, "package_show", id=n).json()["result"], "subject")
                     for n in ckan(self.anon, "package_list").json()["result"]}
        for i in self.admin.ok("GET", "/api/v1/indicators?limit=1000").json()["items"]:
            if i["code"] in published:
                continue
            r = self.admin.post("/api/v1/publications", {"kind": "indicator", "subject": i["code"]})
            if r.status == 201:
                return r.json()
        self.fail("no indicator could be published")

    def test_a_withdrawn_dataset_is_gone_everywhere(self):
        dataset = self.publish_an_unpublished_indicator()
        name = dataset["name"]
        self.assertIn(name, ckan(self.anon, "package_list").json()["result"])
        self.assertEqual(self.anon.get(f"/open/datasets/{name}.csv").status, 200)
        self.admin.ok("POST", f"/api/v1/publications/{name}/withdraw", expect=204)

        self.assertNotIn(name, ckan(self.anon, "package_list").json()["result"])
        catalog = self.anon.ok("GET", "/open/catalog.jsonld").json()
        self.assertNotIn(name, [d["dct:identifier"] for d in catalog["dcat:dataset"]])
        listed = self.anon.ok("GET", "/open/datasets.json").json()["datasets"]
        self.assertNotIn(name, [d["name"] for d in listed])
        search = ckan(self.anon, "package_search", q=name, rows=1000).json()["result"]
        self.assertNotIn(name, [p["name"] for p in search["results"]])
        for path in (f"/open/datasets/{name}.json", f"/open/datasets/{name}.csv",
                     f"/open/datasets/{name}/v1.json", f"/open/datasets/{name}/v1.csv",
                     f"/open/datasets/{name}/versions.json",
                     f"/open/datasets/{name}/diff.json?from=1&to=1"):
            r = self.anon.get(path)
            self.assertEqual(r.status, 404, path)
            self.assertEqual(r.json()["type"], "urn:planwatch:problem:not-found")
        r = ckan(self.anon, "package_show", id=name)
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["success"], False)
        self.assertEqual(r.json()["error"]["__type"], "Not Found Error")

    def test_etag_round_trip_and_head(self):
        r = self.anon.ok("GET", "/open/catalog.jsonld")
        etag = r.header("ETag")
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        self.assertEqual(r.header("Content-Type"), "application/ld+json; charset=utf-8")
        self.assertEqual(r.header("Cache-Control"), "public, no-cache")
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")
        again = self.anon.get("/open/catalog.jsonld", headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        self.assertEqual(again.header("ETag"), etag)
        head = self.anon.raw("HEAD", "/open/catalog.jsonld")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertEqual(head.header("ETag"), etag)

        name = self.plan_dataset()["name"]
        version = self.anon.ok("GET", f"/open/datasets/{name}.json").json()["version"]
        r = self.anon.ok("GET", f"/open/datasets/{name}.csv")
        self.assertEqual(r.header("ETag"), f'"{name}-v{version}-csv"')
        self.assertEqual(self.anon.get(f"/open/datasets/{name}.csv",
                                       headers={"If-None-Match": r.header("ETag")}).status, 304)
        listing = ckan(self.anon, "package_list")
        self.assertEqual(ckan_with(self.anon, "package_list", listing.header("ETag")).status, 304)

        # Any publication changes the catalogue's tag.
        self.publish_an_unpublished_indicator()
        after = self.anon.get("/open/catalog.jsonld", headers={"If-None-Match": etag})
        self.assertEqual(after.status, 200)
        self.assertNotEqual(after.header("ETag"), etag)
        self.assertEqual(ckan_with(self.anon, "package_list", listing.header("ETag")).status, 200)

    def test_search_folds_diacritics_and_filters(self):
        plan = self.plan_dataset()
        org = plan["organization"]["name"]
        words = "nghi quyet"  # "Nghị quyết" in the plan's title or description
        r = ckan(self.anon, "package_search", q=words, fq=f"organization:{org} res_format:CSV",
                 rows=1000)
        self.assertEqual(r.status, 200, r)
        result = r.json()["result"]
        self.assertIn(plan["name"], [p["name"] for p in result["results"]])
        self.assertEqual(result["count"], len(result["results"]))
        none = ckan(self.anon, "package_search", fq="res_format:XML").json()["result"]
        self.assertEqual((none["count"], none["results"]), (0, []))
        paged = ckan(self.anon, "package_search", rows=1, start=1, sort="name asc").json()["result"]
        names = ckan(self.anon, "package_list").json()["result"]
        self.assertEqual([p["name"] for p in paged["results"]], names[1:2])
        orgs = ckan(self.anon, "organization_list").json()["result"]
        self.assertIn(org, orgs)

    def test_errors_of_both_styles(self):
        name = self.plan_dataset()["name"]
        for path in ("/open/datasets/no-such-dataset.json", f"/open/datasets/{name}.xml",
                     f"/open/datasets/{name}/v999.json", f"/open/datasets/{name}/v0.json",
                     f"/open/datasets/{name}/latest.json", "/open/datasets",
                     "/open/nothing-here"):
            r = self.anon.get(path)
            self.assertEqual(r.status, 404, path)
            self.assertEqual(r.header("Content-Type").split(";")[0], "application/problem+json")
        for query, field in (("from=x&to=1", "from"), ("from=1", "to"), ("from=1&to=0", "to"),
                             ("from=1&to=2&zzz=1", "zzz")):
            r = self.anon.get(f"/open/datasets/{name}/diff.json?{query}")
            self.assertEqual(r.status, 400, query)
            self.assertIn(field, [e["field"] for e in r.json()["errors"]], query)
        r = ckan(self.anon, "package_show", id="no-such-dataset")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("Content-Type"), "application/json; charset=utf-8")
        self.assertEqual(r.json()["error"]["__type"], "Not Found Error")
        self.assertIn("no-such-dataset", r.json()["error"]["message"])
        r = ckan(self.anon, "package_show")
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["error"]["id"], ["Missing value"])
        for params, field in (({"rows": "1001"}, "rows"), ({"rows": "x"}, "rows"),
                              ({"start": "-1"}, "start"), ({"sort": "title asc"}, "sort"),
                              ({"fq": "owner:x"}, "fq"), ({"zzz": "1"}, "zzz")):
            r = ckan(self.anon, "package_search", **params)
            self.assertEqual(r.status, 400, params)
            body = r.json()
            self.assertEqual(body["success"], False)
            self.assertEqual(body["error"]["__type"], "Validation Error")
            self.assertIn(field, body["error"], params)
            self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")


def ckan_with(client, action, etag):
    return client.get(f"/api/3/action/{action}", headers={"If-None-Match": etag}, check=False)


if __name__ == "__main__":
    harness.main()
