"""Success paths of every route: lists, reads with ETags, creates, updates, soft deletes, task
actions, evidence, data values, targets, analytics, users, tokens, sessions and the public routes.
"""

import hashlib
import json
import unittest

import harness
from harness import PASSWORD, PDF_BYTES, setUpModule, tearDownModule, value_path  # noqa: F401


class ResourcesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.admin = cls.f.client("admin_p")

    # --- public routes -------------------------------------------------------------------------

    def test_healthz(self):
        r = self.f.anonymous().ok("GET", "/healthz")
        self.assertEqual(r.body, b"ok\n")

    def test_home_page(self):
        # The web UI's index.html, or a page naming the API when built without the UI.
        r = self.f.anonymous().ok("GET", "/")
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        self.assertTrue(b'<div id="app">' in r.body or b"/api/v1/openapi.json" in r.body, r.body)
        self.assertIn("frame-ancestors 'none'", r.header("Content-Security-Policy"))

    def test_openapi_parses_and_lists_routes(self):
        doc = self.f.anonymous().ok("GET", "/api/v1/openapi.json").json()
        self.assertTrue(str(doc["openapi"]).startswith("3."))
        self.assertIn("post", doc["paths"]["/api/v1/session"])
        self.assertIn("put", doc["paths"]["/api/v1/data-values/{indicator}/{unit}/{period}"])

    def test_metrics_count_requests_by_route(self):
        self.admin.ok("GET", "/api/v1/plans")
        text = self.f.anonymous().ok("GET", "/metrics").body.decode()
        self.assertIn("planwatch_http_requests_total", text)
        lines = [l for l in text.splitlines()
                 if l.startswith("planwatch_http_requests_total") and 'route="/api/v1/plans"' in l]
        self.assertTrue(lines, text[:2000])
        self.assertGreaterEqual(float(lines[0].rsplit(" ", 1)[1]), 1)

    def test_problems_speak_vietnamese_by_default(self):
        r = self.admin.get("/api/v1/tasks/999999", headers={"Accept-Language": None})
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("Content-Language"), "vi")
        self.assertEqual(r.json()["title"], "Không tìm thấy")
        r = self.admin.get("/api/v1/tasks/999999")
        self.assertEqual((r.header("Content-Language"), r.json()["title"]), ("en", "Not found"))

    # --- lists ---------------------------------------------------------------------------------

    def test_list_pagination(self):
        page = self.admin.ok("GET", "/api/v1/org-units?limit=2&offset=1&sort=code").json()
        self.assertEqual(page["total"], 7)
        self.assertEqual(page["limit"], 2)
        self.assertEqual(page["offset"], 1)
        self.assertEqual([u["code"] for u in page["items"]], ["C2", "D"])

    def test_list_sort_descending_and_filter(self):
        page = self.admin.ok("GET", "/api/v1/org-units?type=commune&sort=-code").json()
        self.assertEqual([u["code"] for u in page["items"]], ["C2", "C1"])
        page = self.admin.ok("GET", f"/api/v1/org-units?parent={self.f.unit['C1']}").json()
        self.assertEqual([u["code"] for u in page["items"]], ["V1"])

    def test_search_folds_vietnamese_diacritics(self):
        page = self.admin.ok("GET", "/api/v1/tasks?q=chuyen%20doi%20so").json()
        self.assertEqual([t["code"] for t in page["items"]], ["T-P"])
        page = self.admin.ok("GET", "/api/v1/org-units?q=DONG%20SON").json()
        self.assertEqual([u["code"] for u in page["items"]], ["C1"])

    def test_task_list_filters(self):
        page = self.admin.ok(
            "GET", f"/api/v1/tasks?plan={self.f.plan['PL']}&lead_unit={self.f.unit['C1']}"
                   f"&subtree=true&sort=code&as_of=2026-01-01&group={self.f.group[('PL', 'G1')]}").json()
        self.assertEqual([t["code"] for t in page["items"]], ["T-C1", "T-REC", "T-SECRET", "T-V1"])
        done = self.admin.ok("GET", f"/api/v1/tasks?plan={self.f.plan['PL']}&status="
                                    + page["items"][3]["status"]).json()
        self.assertIn("T-V1", [t["code"] for t in done["items"]])

    def test_task_list_hides_tasks_out_of_scope(self):
        officer = self.f.client("unit_officer_c1")
        codes = {t["code"] for t in officer.ok("GET", "/api/v1/tasks?limit=1000").json()["items"]}
        self.assertIn("T-C1", codes)
        self.assertIn("T-SECRET", codes)
        self.assertNotIn("T-C2", codes)
        self.assertNotIn("T-P", codes)
        self.assertNotIn("T-Q", codes)

    # --- get / ETag ----------------------------------------------------------------------------

    def test_get_etag_and_if_none_match(self):
        path = f"/api/v1/plans/{self.f.plan['PL']}"
        r = self.admin.ok("GET", path)
        self.assertEqual(r.json()["code"], "PL")
        etag = r.header("ETag")
        self.assertRegex(etag, r'^"[0-9a-f]+"$')
        again = self.admin.get(path, headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        self.assertEqual(again.header("ETag"), etag)
        other = self.admin.get(path, headers={"If-None-Match": '"other"'})
        self.assertEqual(other.status, 200)

    # --- create / patch / delete ---------------------------------------------------------------

    def test_directive_create_patch_delete_keeps_code_taken(self):
        r = self.admin.ok("POST", "/api/v1/directives",
                          {"number": "01/CT-TTg", "kind": "directive", "title_vi": "Chỉ thị số 1",
                           "issued_on": "2025-01-03"}, expect=201)
        d = r.json()
        self.assertEqual(r.header("Location"), f"/api/v1/directives/{d['id']}")
        self.assertEqual(d["issued_on"], "2025-01-03")
        got = self.admin.ok("GET", f"/api/v1/directives/{d['id']}")
        patched = self.admin.ok("PATCH", f"/api/v1/directives/{d['id']}", {"issuer": "Thủ tướng"},
                                if_match=got.header("ETag")).json()
        self.assertEqual(patched["issuer"], "Thủ tướng")
        self.assertEqual(patched["title_vi"], "Chỉ thị số 1")
        etag = self.admin.ok("GET", f"/api/v1/directives/{d['id']}").header("ETag")
        self.admin.ok("DELETE", f"/api/v1/directives/{d['id']}", if_match=etag, expect=204)
        self.assertEqual(self.admin.get(f"/api/v1/directives/{d['id']}").status, 404)
        listed = self.admin.ok("GET", "/api/v1/directives?number=01/CT-TTg").json()
        self.assertEqual(listed["total"], 0)
        again = self.admin.post("/api/v1/directives",
                                {"number": "01/CT-TTg", "kind": "directive", "title_vi": "Lại"})
        self.assertEqual(again.status, 409, again)

    def soft_delete_and_reuse(self, kind, body, code_field="code"):
        created = self.admin.ok("POST", f"/api/v1/{kind}", body, expect=201)
        rid = created.json()["id"]
        self.assertEqual(created.header("Location"), f"/api/v1/{kind}/{rid}")
        self.admin.ok("DELETE", f"/api/v1/{kind}/{rid}", if_match=created.header("ETag"), expect=204)
        self.assertEqual(self.admin.get(f"/api/v1/{kind}/{rid}").status, 404)
        codes = [i[code_field] for i in self.admin.ok("GET", f"/api/v1/{kind}?limit=1000").json()["items"]]
        self.assertNotIn(body[code_field], codes)
        again = self.admin.post(f"/api/v1/{kind}", body)
        self.assertEqual(again.status, 409, again)

    def test_plan_soft_delete(self):
        self.soft_delete_and_reuse("plans", {"code": "DEL-PLAN", "title_vi": "Xóa", "issuer": self.f.unit["P"],
                                             "standing_agency": self.f.unit["D"]})

    def test_task_group_soft_delete(self):
        self.soft_delete_and_reuse("task-groups", {"plan": self.f.plan["PL"], "code": "DEL-G",
                                                   "title_vi": "Nhóm xóa"})

    def test_indicator_soft_delete(self):
        self.soft_delete_and_reuse("indicators", {"code": "DEL-I", "name_vi": "Chỉ tiêu xóa",
                                                  "responsible_unit": self.f.unit["D"]})

    def test_org_unit_create_patch_close(self):
        r = self.admin.ok("POST", "/api/v1/org-units",
                          {"code": "V2", "name_vi": "Thôn Hai", "type": "village",
                           "parent": self.f.unit["C1"], "valid_from": "2024-01-01"}, expect=201)
        unit = r.json()
        self.assertIsNone(unit["valid_to"])
        patched = self.admin.ok("PATCH", f"/api/v1/org-units/{unit['id']}", {"leader_name": "Lê Thị B"},
                                if_match=r.header("ETag"))
        self.assertEqual(patched.json()["leader_name"], "Lê Thị B")
        self.assertNotEqual(patched.header("ETag"), r.header("ETag"))
        self.admin.ok("DELETE", f"/api/v1/org-units/{unit['id']}", if_match=patched.header("ETag"),
                      expect=204)
        closed = self.admin.ok("GET", f"/api/v1/org-units/{unit['id']}").json()
        self.assertIsNotNone(closed["valid_to"])
        self.assertRegex(closed["valid_to"], r"^\d{4}-\d{2}-\d{2}$")
        # Nothing is lost: every version stays, each with the instants it was current.
        versions = self.admin.ok("GET", f"/api/v1/org-units/{unit['id']}/history").json()["items"]
        self.assertEqual([v["value"]["leader_name"] for v in versions], ["", "Lê Thị B", "Lê Thị B"])
        self.assertEqual([v["value"]["valid_to"] for v in versions], [None, None, closed["valid_to"]])
        self.assertIsNone(versions[-1]["superseded_at"])
        self.assertEqual(versions[0]["superseded_at"], versions[1]["recorded_at"])

    def test_task_create_and_patch(self):
        body = {"plan": self.f.plan["PL"], "group": self.f.group[("PL", "G1")], "code": "T-NEW",
                "title_vi": "Nhiệm vụ mới", "lead_unit": self.f.unit["C2"],
                "coordinating_units": [self.f.unit["C1"]], "assigned_on": "2025-02-01",
                "deadline": "2027-02-01", "priority": 2}
        r = self.admin.ok("POST", "/api/v1/tasks", body, expect=201)
        t = r.json()
        self.assertEqual(r.header("Location"), f"/api/v1/tasks/{t['id']}")
        self.assertEqual(t["coordinating_units"], [self.f.unit["C1"]])
        self.assertEqual(t["state"]["deadline"], "2027-02-01")
        p = self.admin.ok("PATCH", f"/api/v1/tasks/{t['id']}", {"title_en": "A new task"},
                          if_match=r.header("ETag")).json()
        self.assertEqual(p["title_en"], "A new task")
        versions = self.admin.ok("GET", f"/api/v1/tasks/{t['id']}/history").json()["items"]
        self.assertEqual([v["value"]["title_en"] for v in versions], ["", "A new task"])
        self.assertEqual(self.f.client("unit_officer_c1").get(f"/api/v1/tasks/{t['id']}/history").status,
                         200)  # a coordinating unit
        self.assertEqual(self.f.client("viewer_q").get(f"/api/v1/tasks/{t['id']}/history").status,
                         404)  # another province
        # A coordinating unit sees the task.
        self.assertEqual(self.f.client("viewer_c1").get(f"/api/v1/tasks/{t['id']}").status, 200)
        self.assertEqual(self.admin.delete(f"/api/v1/tasks/{t['id']}").status, 405)

    # --- task actions and evidence -------------------------------------------------------------

    def events(self, client, tid):
        # The shape itself is checked by test_events_answer_an_items_object.
        body = client.ok("GET", f"/api/v1/tasks/{tid}/events").json()
        return body["items"] if isinstance(body, dict) else body

    def test_events_answer_an_items_object(self):
        # docs/api.md: the sub-collections /targets, /events, /evidence, /history, /tokens answer
        # {"items": [...]}.
        body = self.admin.ok("GET", f"/api/v1/tasks/{self.f.task[('PL', 'T-V1')]}/events").json()
        self.assertIsInstance(body, dict)
        self.assertEqual([e["kind"] for e in body["items"]], ["claim", "verify"])

    def new_task(self, code, lead="C1"):
        return self.admin.ok("POST", "/api/v1/tasks",
                             {"plan": self.f.plan["PL"], "code": code, "title_vi": "Việc " + code,
                              "lead_unit": self.f.unit[lead], "assigned_on": "2025-01-10",
                              "deadline": "2026-03-31"}, expect=201).json()["id"]

    def test_task_lifecycle_with_evidence(self):
        tid = self.new_task("T-LIFE")
        officer = self.f.client("unit_officer_c1")
        r = officer.ok("POST", f"/api/v1/tasks/{tid}/progress",
                       {"progress_percent": 60, "difficulties": "Thiếu kinh phí"})
        self.assertEqual(r.json()["state"]["progress_percent"], 60)
        up = officer.raw("POST", f"/api/v1/tasks/{tid}/evidence?file_name=bien-ban.pdf", PDF_BYTES,
                         {"Content-Type": "application/pdf"})
        self.assertEqual(up.status, 201, up)
        file = up.json()
        self.assertEqual(file["sha256"], hashlib.sha256(PDF_BYTES).hexdigest())
        self.assertEqual(file["size"], len(PDF_BYTES))
        claim = officer.ok("POST", f"/api/v1/tasks/{tid}/claim",
                           {"completed_on": "2026-02-15", "evidence_files": [file["id"]]}).json()
        self.assertTrue(claim["state"]["claimed"])
        listing = self.f.client("viewer_c1").ok("GET", f"/api/v1/tasks/{tid}/evidence").json()["items"]
        self.assertEqual([(e["id"], e["sha256"]) for e in listing], [(file["id"], file["sha256"])])
        dl = self.f.client("viewer_c1").ok("GET", file["url"])
        self.assertEqual(dl.body, PDF_BYTES)
        self.assertEqual(hashlib.sha256(dl.body).hexdigest(), file["sha256"])
        self.assertIn("bien-ban.pdf", dl.header("Content-Disposition"))
        # Out of scope: the file is not there.
        self.assertEqual(self.f.client("viewer_c2").get(file["url"]).status, 404)
        agency = self.f.client("agency_d")
        ret = agency.ok("POST", f"/api/v1/tasks/{tid}/return", {"reason": "Cần bổ sung"}).json()
        self.assertFalse(ret["state"]["claimed"])
        officer.ok("POST", f"/api/v1/tasks/{tid}/claim",
                   {"completed_on": "2026-02-20", "evidence": "https://example.org/ban-cuoi"})
        verified = agency.ok("POST", f"/api/v1/tasks/{tid}/verify", {}).json()
        self.assertTrue(verified["state"]["verified"])
        self.assertEqual(verified["state"]["completed_on"], "2026-02-20")
        kinds = [e["kind"] for e in self.events(officer, tid)]
        self.assertEqual(kinds, ["progress", "claim", "return", "claim", "verify"])

    def test_amend_keeps_original_deadline_and_cancel(self):
        tid = self.new_task("T-AMEND")
        agency = self.f.client("agency_d")
        r = agency.ok("POST", f"/api/v1/tasks/{tid}/amend",
                      {"new_deadline": "2027-09-30", "reason": "Điều chỉnh theo Nghị quyết",
                       "requested_by": "UBND xã"}).json()
        self.assertEqual(r["state"]["deadline"], "2027-09-30")
        self.assertEqual(r["state"]["original_deadline"], "2026-03-31")
        self.assertEqual(r["deadline"], "2026-03-31")
        self.assertEqual(r["state"]["amendments"], 1)
        events = self.events(agency, tid)
        self.assertEqual(events[-1]["kind"], "amend")
        self.assertEqual(events[-1]["new_deadline"], "2027-09-30")
        self.assertEqual(events[-1]["reason"], "Điều chỉnh theo Nghị quyết")
        self.assertEqual(events[-1]["actor"], "agency_d")
        c = agency.ok("POST", f"/api/v1/tasks/{tid}/cancel", {"reason": "Không còn phù hợp"}).json()
        self.assertEqual(c["status"], "cancelled")
        after = self.f.client("unit_officer_c1").post(f"/api/v1/tasks/{tid}/progress", {"progress_percent": 5})
        self.assertEqual(after.status, 409, after)

    def test_action_with_stale_if_match_is_412(self):
        tid = self.new_task("T-ETAG")
        officer = self.f.client("unit_officer_c1")
        etag = officer.ok("GET", f"/api/v1/tasks/{tid}").header("ETag")
        officer.ok("POST", f"/api/v1/tasks/{tid}/progress", {"progress_percent": 10}, if_match=etag)
        stale = officer.post(f"/api/v1/tasks/{tid}/progress", {"progress_percent": 20}, if_match=etag)
        self.assertEqual(stale.status, 412, stale)

    # --- data values ---------------------------------------------------------------------------

    def test_value_put_get_history_delete(self):
        path = value_path(self.f.indicator["I-DV"], self.f.unit["C1"], "202606")
        leader = self.f.client("unit_leader_c1")
        created = leader.ok("PUT", path, {"value": 12, "comment": "Số liệu tháng 6"})
        self.assertEqual(created.json()["value"], 12)
        self.assertEqual(created.json()["state"], "approved")
        self.assertEqual(created.json()["stored_by"], "unit_leader_c1")
        got = leader.ok("GET", path)
        self.assertEqual(got.header("ETag"), created.header("ETag"))
        self.assertEqual(leader.get(path, headers={"If-None-Match": got.header("ETag")}).status, 304)
        self.assertEqual(leader.put(path, {"value": 13}).status, 428)
        changed = leader.ok("PUT", path, {"value": 13}, if_match=got.header("ETag"))
        self.assertEqual(changed.json()["value"], 13)
        history = leader.ok("GET", path + "/history").json()["items"]
        self.assertEqual([h["value"] for h in history], [12, 13])
        leader.ok("DELETE", path, if_match=changed.header("ETag"), expect=204)
        self.assertEqual(leader.get(path).status, 404)
        history = leader.ok("GET", path + "/history").json()["items"]
        self.assertEqual(len(history), 3)
        self.assertTrue(history[-1].get("deleted"))

    def test_officer_values_are_submitted(self):
        path = value_path(self.f.indicator["I-DV"], self.f.unit["V1"], "202606")
        r = self.f.client("unit_officer_c1").ok("PUT", path, {"value": 1})
        self.assertEqual(r.json()["state"], "submitted")

    def test_value_list_filters(self):
        page = self.admin.ok(
            "GET", f"/api/v1/data-values?indicator={self.f.indicator['I-DV']}&unit={self.f.unit['C1']}"
                   f"&subtree=true&periods=202501..202501").json()
        self.assertEqual(sorted((v["unit"], v["value"]) for v in page["items"]),
                         sorted([(self.f.unit["C1"], 7), (self.f.unit["V1"], 2)]))
        officer = self.f.client("unit_officer_c1")
        units = {v["unit"] for v in officer.ok("GET", "/api/v1/data-values?limit=10000").json()["items"]}
        self.assertEqual(units - {self.f.unit["C1"], self.f.unit["V1"]}, set())

    def test_batch_is_all_or_nothing(self):
        before = self.f.fingerprint()
        dv = self.f.indicator["I-DV"]
        bad = self.admin.post("/api/v1/data-values", {"values": [
            {"indicator": dv, "unit": self.f.unit["C1"], "period": "202607", "value": 1},
            {"indicator": dv, "unit": self.f.unit["C2"], "period": "2026Q3", "value": 2},
            {"indicator": dv, "unit": self.f.unit["P"], "period": "202607", "value": "many"}]})
        self.assertEqual(bad.status, 422, bad)
        fields = {e["field"] for e in bad.json()["errors"]}
        self.assertEqual(fields, {"values[1].period", "values[2].value"})
        self.assertEqual(self.f.fingerprint(), before)
        good = self.admin.ok("POST", "/api/v1/data-values", {"values": [
            {"indicator": dv, "unit": self.f.unit["C1"], "period": "202607", "value": 1},
            {"indicator": dv, "unit": self.f.unit["C2"], "period": "202607", "value": 2}]}).json()
        self.assertEqual(good, {"written": 2})
        again = self.admin.ok("POST", "/api/v1/data-values", {"values": [
            {"indicator": dv, "unit": self.f.unit["C1"], "period": "202607", "value": 1}]}).json()
        # Every value sent is a new version, even one equal to the current value.
        self.assertEqual(again, {"written": 1})

    # --- targets -------------------------------------------------------------------------------

    def test_targets(self):
        iid = self.f.indicator["I-DV"]
        listed = self.admin.ok("GET", f"/api/v1/indicators/{iid}/targets").json()["items"]
        self.assertEqual(listed, [{"indicator": iid, "unit": self.f.unit["P"], "date": "2026-12-31",
                                   "value": 120}])
        put = self.f.client("agency_d").ok("POST", f"/api/v1/indicators/{iid}/targets",
                                           {"unit": self.f.unit["C1"], "date": "2027-12-31", "value": 40})
        self.assertEqual(put.json(), {"indicator": iid, "unit": self.f.unit["C1"], "date": "2027-12-31",
                                      "value": 40})
        listed = self.admin.ok("GET", f"/api/v1/indicators/{iid}/targets").json()["items"]
        self.assertIn({"indicator": iid, "unit": self.f.unit["C1"], "date": "2027-12-31", "value": 40},
                      listed)

    # --- analytics -----------------------------------------------------------------------------

    def test_task_analytics_match_the_cli(self):
        api = self.admin.ok("GET", "/api/v1/analytics/tasks?plan=PQ&as_of=2026-01-01")
        # admin_p's scope is a root: the whole plan, like the CLI without --unit.
        cli = json.loads(harness.run_cli("status", "--db", self.f.db, "--plan", "PQ",
                                         "--as-of", "2026-01-01", "--json"))
        self.assertEqual(api.json(), cli)
        api = self.admin.ok("GET", "/api/v1/analytics/tasks?plan=PL&as_of=2026-01-01&unit=C1"
                                   "&subtree=true&group_by=unit")
        cli = json.loads(harness.run_cli("status", "--db", self.f.db, "--plan", "PL", "--as-of",
                                         "2026-01-01", "--unit", "C1", "--subtree", "--group-by",
                                         "unit", "--json"))
        self.assertEqual(api.json(), cli)

    def test_indicator_analytics(self):
        r = self.admin.ok("GET", "/api/v1/analytics/indicators?indicator=I-DV&unit=C1&periods=202501")
        text = json.dumps(r.json())
        self.assertIn("I-DV", text)
        rows = r.json()["rows"] if isinstance(r.json(), dict) and "rows" in r.json() else r.json()["items"]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["value"], 9)  # C1 7 + V1 2
        by_children = self.admin.ok(
            "GET", "/api/v1/analytics/indicators?indicator=I-DV&unit=P&periods=202501&by=children").json()
        text = json.dumps(by_children)
        for code in ("D", "C1", "C2"):
            self.assertIn(f'"{code}"', text)

    # --- users, tokens, sessions ---------------------------------------------------------------

    def test_users_create_and_patch(self):
        r = self.admin.ok("POST", "/api/v1/users",
                          {"login": "officer.c2", "password": "mot-hai-ba-bon", "role": "unit_officer",
                           "unit": self.f.unit["C2"], "display_name": "Cán bộ C2"}, expect=201)
        user = r.json()
        self.assertEqual(r.header("Location"), f"/api/v1/users/{user['id']}")
        self.assertEqual((user["role"], user["unit_code"]), ("unit_officer", "C2"))
        self.assertNotIn("password", user)
        p = self.admin.ok("PATCH", f"/api/v1/users/{user['id']}", {"role": "unit_leader"},
                          if_match=r.header("ETag")).json()
        self.assertEqual(p["role"], "unit_leader")
        listed = self.admin.ok("GET", "/api/v1/users?q=officer.c2").json()["items"]
        self.assertEqual([u["login"] for u in listed], ["officer.c2"])
        leader = harness.Client(self.f.port).login("officer.c2", "mot-hai-ba-bon")
        self.assertEqual(leader.user["role"], "unit_leader")

    # --- imports -------------------------------------------------------------------------------

    def import_csv(self, client, kind, text, dry_run=False, check=True):
        query = "?dry_run=true" if dry_run else ""
        return client.raw("POST", f"/api/v1/imports/{kind}{query}", text.encode("utf-8"),
                          {"Content-Type": "text/csv"}, check=check)

    def test_import_is_all_or_nothing_with_the_bad_rows_named(self):
        good = "number,kind,title_vi\r\nCV-IMP-1,dispatch,Công văn một\r\n"
        bad = good + "CV-IMP-2,memo,Công văn hai\r\n,dispatch,Công văn ba\r\n"
        before = self.f.fingerprint()
        r = self.import_csv(self.admin, "directives", bad)
        self.assertEqual(r.status, 422)
        errors = r.json()["errors"]
        self.assertEqual([(e["line"], e["field"]) for e in errors], [(3, "kind"), (4, "number")])
        self.assertEqual(self.f.fingerprint(), before)  # nothing written, not even line 2

        checked = self.import_csv(self.admin, "directives", good, dry_run=True)
        self.assertEqual(checked.status, 200)
        self.assertEqual(checked.json(), {
            "kind": "directives", "kinds": ["directives"], "dry_run": True, "rows": 1,
            "inserted": 1, "updated": 0, "unchanged": 0, "changes_total": 1,
            "changes": [{"kind": "directives", "line": 2, "key": "CV-IMP-1", "action": "insert",
                         "fields": [{"column": "number", "before": "", "after": "CV-IMP-1"},
                                    {"column": "kind", "before": "", "after": "dispatch"},
                                    {"column": "title_vi", "before": "",
                                     "after": "Công văn một"}]}]})
        self.assertEqual(self.f.fingerprint(), before)

        done = self.import_csv(self.admin, "directives", good)
        self.assertEqual(done.json()["inserted"], 1)
        listed = self.admin.ok("GET", "/api/v1/directives?number=CV-IMP-1").json()
        self.assertEqual(listed["items"][0]["title_vi"], "Công văn một")
        self.assertEqual(self.import_csv(self.admin, "directives", good).json()["unchanged"], 1)

    def test_import_refusals(self):
        csv = "number,kind,title_vi\r\nCV-IMP-9,dispatch,Công văn\r\n"
        self.assertEqual(self.import_csv(self.admin, "nothing", csv).status, 404)
        self.assertEqual(self.admin.raw("POST", "/api/v1/imports/directives", csv.encode(),
                                        {"Content-Type": "application/json"}).status, 415)
        self.assertEqual(self.admin.raw("POST", "/api/v1/imports/directives?dry_run=yes",
                                        csv.encode(), {"Content-Type": "text/csv"}).status, 400)
        # An admin of a commune may not import a whole file; nor may a standing agency.
        self.assertEqual(self.import_csv(self.f.client("admin_c1"), "directives", csv).status, 403)
        self.assertEqual(self.import_csv(self.f.client("agency_d"), "directives", csv).status, 403)

    def test_tokens_create_use_revoke(self):
        viewer = self.f.client("viewer_c1")
        token = viewer.token_client("script")
        me = token.ok("GET", "/api/v1/session").json()
        self.assertEqual(me["user"]["login"], "viewer_c1")
        listed = viewer.ok("GET", "/api/v1/tokens").json()["items"]
        mine = [t for t in listed if t["id"] == token.token_id]
        self.assertEqual(mine[0]["name"], "script")
        self.assertIsNone(mine[0]["revoked_at"])
        self.assertNotIn("token", mine[0])
        viewer.ok("DELETE", f"/api/v1/tokens/{token.token_id}", expect=204)
        r = token.get("/api/v1/session")
        self.assertEqual(r.status, 401)
        listed = viewer.ok("GET", "/api/v1/tokens").json()["items"]
        self.assertIsNotNone([t for t in listed if t["id"] == token.token_id][0]["revoked_at"])

    def test_session_get_and_delete(self):
        c = harness.Client(self.f.port).login("steering_c1")
        me = c.ok("GET", "/api/v1/session").json()
        self.assertEqual(me["user"]["login"], "steering_c1")
        self.assertEqual(me["csrf_token"], c.csrf)
        r = c.ok("DELETE", "/api/v1/session", expect=204)
        cleared = [h for h in r.header_all("Set-Cookie") if h.startswith("pw_session=")]
        self.assertEqual(len(cleared), 1)
        self.assertTrue(cleared[0].startswith("pw_session=;"), cleared)
        self.assertIn("Max-Age=0", cleared[0])
        self.assertEqual(c.get("/api/v1/session").status, 401)


if __name__ == "__main__":
    harness.main()
